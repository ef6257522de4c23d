import { requireApiUser } from "@/lib/auth/access";
import { handleFormUpload } from "@/lib/ingest/http-upload";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The upload form's target when JavaScript is off: a normal multipart POST, then a redirect. */
export async function POST(req: Request) {
  const user = await requireApiUser(req, { roles: ["partner_analyst"] });
  if (user instanceof Response) return user;
  const outcome = await handleFormUpload(req, user);
  const to = "batchId" in outcome ? `/uploads/${outcome.batchId}` : `/uploads/new?error=${encodeURIComponent(outcome.error)}`;
  return new Response(null, { status: 303, headers: { location: to } });
}
