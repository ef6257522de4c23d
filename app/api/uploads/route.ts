import { defineHandler } from "@/lib/http/adapter";
import { handleUpload } from "@/lib/ingest/http-upload";

export const dynamic = "force-dynamic";
// Node runtime: the pipeline streams into PostgreSQL and the file system.
export const runtime = "nodejs";

/** Streaming upload: raw CSV body, NDJSON progress and result (see lib/ingest/http-upload.ts). */
export const POST = defineHandler("api.uploads", ({ req, actor }) => handleUpload(req, actor));
