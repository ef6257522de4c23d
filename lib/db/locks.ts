import "server-only";
import { pool } from "./client";

/**
 * Runs `fn` while this process holds a PostgreSQL session-level advisory lock named `name`, or
 * returns `busy` at once when another session (another portal instance on the same database)
 * holds it. A process that dies loses its connection and so its lock: nothing to clean up.
 */
export async function withExclusiveLock<T>(name: string, fn: () => Promise<T>): Promise<{ busy: true } | { busy: false; value: T }> {
  const client = await pool().connect();
  let held = false;
  try {
    const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok", [name]);
    held = r.rows[0]?.ok === true;
    if (!held) return { busy: true };
    return { busy: false, value: await fn() };
  } finally {
    if (held) await client.query("SELECT pg_advisory_unlock(hashtextextended($1, 0))", [name]).catch(() => {});
    client.release();
  }
}

/** The lock name of an SFTP inbox's poll: one poll of an inbox at a time across every instance. */
export const inboxLockName = (inboxId: string) => `sftp:inbox:${inboxId}`;
