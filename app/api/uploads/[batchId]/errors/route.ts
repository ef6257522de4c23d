import { defineHandler } from "@/lib/http/adapter";
import { serveBatchFile } from "@/lib/ingest/batch-files";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The full error report of a batch as CSV (values of key columns left out, formulas neutralised). */
export const GET = defineHandler("api.uploads.errors", ({ actor, params }) => serveBatchFile(actor, params.batchId, "errors"));
