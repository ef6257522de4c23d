import { defineHandler } from "@/lib/http/adapter";
import { startUpload } from "@/lib/ingest/http-upload";

export const dynamic = "force-dynamic";
// Node runtime: the pipeline streams into PostgreSQL and the file system.
export const runtime = "nodejs";

/** Streaming upload: raw CSV body, NDJSON progress and result (see lib/ingest/http-upload.ts). */
export const POST = defineHandler("api.uploads", async ({ req, actor, requestId }) => {
  const stream = await startUpload(actor, {
    query: new URL(req.url).searchParams,
    contentType: req.headers.get("content-type"),
    contentLength: req.headers.get("content-length"),
    body: req.body,
    requestId,
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId },
  });
});
