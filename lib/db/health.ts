import "server-only";
import { DatabaseNotConfiguredError, pool } from "./client";

export type DatabaseHealth = { ok: true } | { ok: false; reason: string };

function describe(e: unknown): string {
  if (e instanceof DatabaseNotConfiguredError) return "the database connection is not configured";
  const err = e as { code?: string; message?: string };
  switch (err.code) {
    case "ECONNREFUSED":
      return "the database refused the connection (is it running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the database host could not be resolved";
    case "28P01":
    case "28000":
      return "the database rejected the portal's credentials";
    case "3D000":
      return "the portal's database does not exist";
    case "57P01":
    case "57P03":
      return "the database is shutting down or starting up";
    default:
      if (/timeout/i.test(err.message ?? "")) return "the database did not answer in time";
      return "the database could not be reached";
  }
}

/** A cheap round trip on the application role's pool; never throws. */
export async function checkDatabase(timeoutMs = 3_000): Promise<DatabaseHealth> {
  try {
    const probe = (async () => {
      const client = await pool().connect();
      try {
        await client.query("SELECT 1");
      } finally {
        client.release();
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    });
    try {
      await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: describe(e) };
  }
}
