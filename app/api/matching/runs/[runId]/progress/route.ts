import { AppError } from "@/lib/errors";
import { defineHandler } from "@/lib/http/adapter";
import { progressEvents, runProgress } from "@/lib/matching/progress";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** A matching run's progress as NDJSON, one line per change until it finishes (the matching page reads it). */
export const GET = defineHandler("api.matching.progress", async ({ req, params, unit }) => {
  const { runId } = params;
  if (!(await runProgress(unit, runId))) throw new AppError("not_found", "There is no such matching run.");
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
});
