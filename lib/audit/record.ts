import "server-only";
import type pg from "pg";
import { pool } from "@/lib/db/client";
import type { Tx } from "@/lib/db/tenant";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEventInput {
  action: string;
  outcome: AuditOutcome;
  actor: { userId?: string | null; label: string; role?: string | null };
  orgId?: string | null;
  target?: { type: string; id: string } | null;
  requestId?: string | null;
  /**
   * Metadata about the event (counts, rule ids, file sizes, batch ids). Never data values: the
   * type admits only scalars so that a row or a cell cannot be passed in by accident.
   */
  details?: Record<string, string | number | boolean | null>;
}

const APPEND = `INSERT INTO audit_event
  (actor_user_id, actor_label, org_id, role, action, target_type, target_id, request_id, outcome, details, id, prev_hash, hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, '', '')`;
const INSERT = `${APPEND} RETURNING id`;

function params(e: AuditEventInput): unknown[] {
  return [
    e.actor.userId ?? null,
    e.actor.label,
    e.orgId ?? null,
    e.actor.role ?? null,
    e.action,
    e.target?.type ?? null,
    e.target?.id ?? null,
    e.requestId ?? null,
    e.outcome,
    e.details ? JSON.stringify(e.details) : null,
  ];
}

/**
 * Appends one event inside the caller's transaction, so the event and the write it describes
 * commit or roll back together. id, time and the hash chain are assigned by the database.
 */
export async function recordAudit(db: Tx | pg.PoolClient, event: AuditEventInput): Promise<bigint> {
  if ("$queryRawUnsafe" in db) {
    const rows = await db.$queryRawUnsafe<{ id: bigint }[]>(INSERT, ...params(event));
    return BigInt(rows[0]!.id);
  }
  const res = await db.query<{ id: string }>(INSERT, params(event));
  return BigInt(res.rows[0]!.id);
}

/**
 * Appends an event that goes with no write of its own (a dashboard view, an export, a refused
 * access) as one statement in a transaction of its own, committed by PostgreSQL as the statement
 * ends. The chain trigger locks the chain head from the insert until the commit: in a
 * BEGIN … INSERT … COMMIT transaction that lock was held while this process, busy with other
 * requests, got round to sending COMMIT, and every audited request queued behind it (measured:
 * docs/performance.md, dashboards). The append policy admits every context, so none is set; with
 * no context the SELECT policies deny, hence no RETURNING.
 */
export async function recordAuditNow(event: AuditEventInput): Promise<void> {
  await pool().query(APPEND, params(event));
}
