import { defineHandler } from "@/lib/http/adapter";
import { formUpload } from "@/lib/ingest/http-upload";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The upload form's target when JavaScript is off: a normal multipart POST, then a redirect. */
export const POST = defineHandler("api.uploads.form", async ({ req, actor }) => {
  const outcome = await formUpload(actor, { contentLength: req.headers.get("content-length"), readForm: () => req.formData() });
  const to = "batchId" in outcome ? `/uploads/${outcome.batchId}` : `/uploads/new?error=${encodeURIComponent(outcome.error)}`;
  return new Response(null, { status: 303, headers: { location: to } });
});
