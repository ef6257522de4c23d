import { defineHandler } from "@/lib/http/adapter";
import { serveBatchFile } from "@/lib/ingest/batch-files";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The exact bytes the organisation transferred (its right to audit); only that organisation. */
export const GET = defineHandler("api.uploads.original", ({ actor, params }) => serveBatchFile(actor, params.batchId, "original"));
