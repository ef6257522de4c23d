import { csvDownload } from "@/lib/http/download";
import { defineHandler } from "@/lib/http/adapter";
import { openBatchFile } from "@/lib/ingest/batch-files";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The exact bytes the organisation transferred (its right to audit); only that organisation. */
export const GET = defineHandler("api.uploads.original", async ({ actor, params }) => {
  const f = await openBatchFile(actor, params.batchId, "original");
  return csvDownload(f.stream, f.filename, { "content-length": String(f.size), ...(f.sha256 ? { "x-content-sha256": f.sha256 } : {}) });
});
