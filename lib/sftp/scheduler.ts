import "server-only";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { dueInboxes, pollInbox } from "./poll";
import { log as logger } from "@/lib/log";

const g = globalThis as unknown as { __sftpScheduler?: NodeJS.Timeout };

/**
 * Polls every due inbox once a minute (each inbox has its own interval). At start it first fails the batches whose loader died with a previous process.
 * One scheduler per process; call from the server's start-up.
 */
export function startSftpScheduler(opts: { everyMs?: number; log?: (line: string) => void } = {}): () => void {
  const log = opts.log ?? ((l: string) => logger({ component: "sftp" }).info(l));
  if (g.__sftpScheduler) return () => stopSftpScheduler();
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      for (const id of await dueInboxes()) {
        const r = await pollInbox(id);
        const taken = r.files.filter((f) => f.status !== "skipped-incomplete");
        if (!r.ok || taken.length > 0) log(`${r.ok ? "polled" : "poll failed"}: ${r.message}`);
      }
    } catch (e) {
      log(`scheduler tick failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      running = false;
    }
  };
  g.__sftpScheduler = setInterval(() => void tick(), opts.everyMs ?? 60_000);
  g.__sftpScheduler.unref();
  void sweepInterruptedBatches()
    .then((failed) => failed.length > 0 && log(`${failed.length} upload(s) interrupted by the previous stop marked failed.`))
    .catch((e: unknown) => log(`sweeping interrupted uploads failed: ${e instanceof Error ? e.message : String(e)}`))
    .finally(() => void tick());
  return () => stopSftpScheduler();
}

export function stopSftpScheduler(): void {
  if (g.__sftpScheduler) clearInterval(g.__sftpScheduler);
  g.__sftpScheduler = undefined;
}
