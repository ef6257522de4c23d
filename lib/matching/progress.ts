import "server-only";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import { isUuid } from "@/lib/ids";

export interface RunProgress {
  id: string;
  version: number;
  status: string;
  progress: number;
  stage: string;
}

/** One run's progress as the caller's context may see it; null for an unknown or malformed id. */
export async function runProgress(ctx: UnitContext, runId: string): Promise<RunProgress | null> {
  if (!isUuid(runId)) return null;
  return withContextClient(ctx, async (c) => {
    const r = await c.query<RunProgress>(`SELECT id, version, status, progress, stage FROM matching_run WHERE id = $1`, [runId]);
    return r.rows[0] ?? null;
  });
}

export const isFinished = (p: RunProgress) => p.status === "succeeded" || p.status === "failed";

export interface ProgressStreamOptions {
  intervalMs?: number;
  /** Longest a stream stays open; the page then offers a reload. */
  maxMs?: number;
  signal?: AbortSignal;
}

/**
 * The matching page's live progress, as the upload page streams its own: NDJSON lines, one per
 * change, until the run finishes (or the time limit). Polls the run row: progress lives there,
 * written by whichever process runs the job.
 */
export async function* progressEvents(ctx: UnitContext, runId: string, opts: ProgressStreamOptions = {}): AsyncGenerator<RunProgress> {
  const interval = opts.intervalMs ?? 1_000;
  const until = Date.now() + (opts.maxMs ?? 15 * 60_000);
  let last = "";
  while (!opts.signal?.aborted && Date.now() < until) {
    const p = await runProgress(ctx, runId);
    if (!p) return;
    const key = `${p.status}|${p.progress}|${p.stage}`;
    if (key !== last) {
      last = key;
      yield p;
    }
    if (isFinished(p)) return;
    await new Promise((r) => setTimeout(r, interval));
  }
}
