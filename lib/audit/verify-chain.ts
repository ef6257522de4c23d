import "server-only";
import type pg from "pg";
import type { Tx } from "@/lib/db/tenant";

export type ChainVerification = { ok: true; checked: number } | { ok: false; checked: number; firstBadEventId: bigint; problem: string };

/** Recomputes every event's hash in order and names the first one that does not match. */
export async function verifyAuditChain(db: Tx | pg.PoolClient): Promise<ChainVerification> {
  const sql = "SELECT first_bad_id::text AS first_bad_id, problem, checked::int AS checked FROM audit_verify_chain()";
  const row =
    "$queryRawUnsafe" in db
      ? (await db.$queryRawUnsafe<{ first_bad_id: string | null; problem: string | null; checked: number }[]>(sql))[0]
      : (await db.query<{ first_bad_id: string | null; problem: string | null; checked: number }>(sql)).rows[0];
  if (!row) throw new Error("audit_verify_chain() returned no row");
  if (row.first_bad_id === null) return { ok: true, checked: row.checked };
  return { ok: false, checked: row.checked, firstBadEventId: BigInt(row.first_bad_id), problem: row.problem ?? "unknown" };
}
