import pg from "pg";

/** How long a known state is trusted before it is checked again, by state. */
const RECHECK_MS = { up: 5_000, down: 1_000 } as const;
const PROBE_TIMEOUT_MS = 3_000;

/**
 * Whether the database answers, as the portal's front door asks on every request: from the last
 * check at once (never waiting on the database itself), refreshed in the background when stale,
 * so an outage is noticed within seconds and the end of one too. A check is one `SELECT 1` on a
 * connection of its own, bounded in time: a database that hangs counts as down, while a busy
 * portal (every pooled connection in use) does not, since the check never waits for the pool.
 */
export function databaseAvailability(
  connectionString: () => string,
  now: () => number = Date.now,
): { available: () => boolean; check: () => Promise<boolean> } {
  let up = true;
  let failures = 0;
  let checkedAt = 0;
  let running: Promise<boolean> | null = null;

  // Two failed checks in a row before the portal says the database is down: one slow answer on a
  // machine under heavy load is not an outage.
  const check = (): Promise<boolean> => {
    running ??= probe(connectionString()).then((ok) => {
      failures = ok ? 0 : failures + 1;
      up = failures < 2;
      checkedAt = now();
      running = null;
      return up;
    });
    return running;
  };
  const available = (): boolean => {
    if (now() - checkedAt > (up ? RECHECK_MS.up : RECHECK_MS.down)) void check();
    return up;
  };
  return { available, check };
}

async function probe(connectionString: string): Promise<boolean> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    application_name: "essex-portal-health",
  });
  // A server that goes away under an open probe must not crash the process.
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
