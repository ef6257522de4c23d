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

const APPEND_COLUMNS = `INSERT INTO audit_event
  (actor_user_id, actor_label, org_id, role, action, target_type, target_id, request_id, outcome, details, id, prev_hash, hash)`;
const INSERT = `${APPEND_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, '', '') RETURNING id`;

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
 * access) outside any transaction of the caller's; resolves once the event is committed, so a
 * caller that awaits it answers only after its access is on record.
 *
 * The chain trigger locks the chain head from an event's insert until its commit, so appends are
 * serial, each waiting for the previous one's commit to reach disk. Under load (the dashboards'
 * data endpoints, one event per request) events are therefore grouped: while one INSERT is on its
 * way, new events queue, and the next INSERT writes all of them as one statement, in arrival
 * order, with one lock and one commit. Each INSERT is a single statement that PostgreSQL commits
 * as it ends: no client round trip ever happens while the lock is held (measured:
 * docs/performance.md, dashboards). The append policy admits every context, so none is set;
 * with no context the SELECT policies deny, hence no RETURNING.
 */
export function recordAuditNow(event: AuditEventInput): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    pending.push({ values: params(event), resolve, reject });
    if (!appending) void appendPending();
  });
}

const COLUMNS = 10;
/** Events per statement: well under PostgreSQL's 65,535 bind parameters. */
const MAX_GROUP = 500;
let pending: { values: unknown[]; resolve: () => void; reject: (e: unknown) => void }[] = [];
let appending = false;

async function appendPending(): Promise<void> {
  appending = true;
  try {
    while (pending.length > 0) {
      const group = pending.slice(0, MAX_GROUP);
      pending = pending.slice(group.length);
      const rows = group.map((_, i) => `(${Array.from({ length: COLUMNS }, (_, j) => `$${i * COLUMNS + j + 1}`).join(", ")}, 0, '', '')`);
      try {
        await pool().query(
          `${APPEND_COLUMNS} VALUES ${rows.join(", ")}`,
          group.flatMap((g) => g.values),
        );
        for (const g of group) g.resolve();
      } catch (e) {
        for (const g of group) g.reject(e);
      }
    }
  } finally {
    appending = false;
  }
}
