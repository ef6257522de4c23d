import type pg from "pg";

/** How long a known state is trusted before it is checked again, by state. */
const RECHECK_MS = { up: 5_000, down: 1_000 } as const;
const PROBE_TIMEOUT_MS = 2_000;

/**
 * Whether the database answers, as the portal's front door asks on every request: from the last
 * check at once (never waiting on the database itself), refreshed in the background when stale,
 * so an outage is noticed within seconds and the end of one too. A check is one `SELECT 1` on a
 * pooled connection, bounded in time: a database that hangs counts as down.
 */
export function databaseAvailability(getPool: () => pg.Pool, now: () => number = Date.now): { available: () => boolean; check: () => Promise<boolean> } {
  let up = true;
  let checkedAt = 0;
  let running: Promise<boolean> | null = null;

  const check = (): Promise<boolean> => {
    running ??= probe(getPool()).then((ok) => {
      up = ok;
      checkedAt = now();
      running = null;
      return ok;
    });
    return running;
  };
  const available = (): boolean => {
    if (now() - checkedAt > (up ? RECHECK_MS.up : RECHECK_MS.down)) void check();
    return up;
  };
  return { available, check };
}

async function probe(pool: pg.Pool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
  const attempt = (async () => {
    const client = await pool.connect();
    try {
      await client.query("SELECT 1");
      client.release();
      return true;
    } catch {
      client.release(true);
      return false;
    }
  })().catch(() => false);
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
