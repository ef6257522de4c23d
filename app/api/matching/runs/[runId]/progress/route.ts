import { requireApiUser, unitContextFor } from "@/lib/auth/access";
import { progressEvents, runProgress } from "@/lib/matching/progress";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A matching run's progress as NDJSON, one line per change until it finishes (the matching page reads it). */
export async function GET(req: Request, ctx: { params: Promise<{ runId: string }> }) {
  const user = await requireApiUser(req, { roles: ["partner_analyst", "researcher", "approver", "administrator"] });
  if (user instanceof Response) return user;
  const { runId } = await ctx.params;
  const unit = unitContextFor(user);
  if (!(await runProgress(unit, runId))) {
    return Response.json({ error: "not-found", message: "There is no such matching run." }, { status: 404, headers: { "cache-control": "no-store" } });
  }
  const encoder = new TextEncoder();
  const events = progressEvents(unit, runId, { signal: req.signal });
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await events.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(JSON.stringify({ type: "progress", run: next.value }) + "\n"));
      } catch {
        controller.enqueue(encoder.encode(JSON.stringify({ type: "error", message: "Progress could not be read. Reload the page." }) + "\n"));
        controller.close();
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
