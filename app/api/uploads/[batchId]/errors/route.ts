import { requireApiUser } from "@/lib/auth/access";
import { serveBatchFile } from "@/lib/ingest/batch-files";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The full error report of a batch as CSV (values of key columns left out, formulas neutralised). */
export async function GET(req: Request, ctx: { params: Promise<{ batchId: string }> }) {
  const user = await requireApiUser(req, { roles: ["partner_analyst"] });
  if (user instanceof Response) return user;
  return serveBatchFile(user, (await ctx.params).batchId, "errors");
}
