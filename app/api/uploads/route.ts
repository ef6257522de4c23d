import { requireApiUser } from "@/lib/auth/access";
import { handleUpload } from "@/lib/ingest/http-upload";

export const dynamic = "force-dynamic";
// Node runtime: the pipeline streams into PostgreSQL and the file system.
export const runtime = "nodejs";

/** Streaming upload: raw CSV body, NDJSON progress and result (see lib/ingest/http-upload.ts). */
export async function POST(req: Request) {
  const user = await requireApiUser(req, { roles: ["partner_analyst"] });
  if (user instanceof Response) return user;
  return handleUpload(req, user);
}
