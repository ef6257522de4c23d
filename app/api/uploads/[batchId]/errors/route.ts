import { csvDownload } from "@/lib/http/download";
import { defineHandler } from "@/lib/http/adapter";
import { openBatchFile } from "@/lib/ingest/batch-files";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The full error report of a batch as CSV (values of key columns left out, formulas neutralised). */
export const GET = defineHandler("api.uploads.errors", async ({ actor, params }) => {
  const f = await openBatchFile(actor, params.batchId, "errors");
  return csvDownload(f.stream, f.filename, { "content-length": String(f.size), ...(f.sha256 ? { "x-content-sha256": f.sha256 } : {}) });
});
