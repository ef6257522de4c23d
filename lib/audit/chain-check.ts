import "server-only";
import type pg from "pg";
import { recordAudit } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { withContextClient } from "@/lib/db/tenant";
import { jobQueue, onConnection } from "@/lib/queue/boss";
import { QUEUES } from "@/lib/queue/queues";
import { AuditAccessError, readerContext, type AuditReader } from "./viewer";

// The hash chain's verification (decision 110): audit_verify_chain() recomputes every event's
// hash in order and names the first that does not match. It runs as a pg-boss job (scheduled
// every few hours by the jobs process, and on a reader's request) and its result is stored, so
// the audit page shows the latest verdict without re-reading millions of events per view.

export interface ChainCheck {
  id: string;
  trigger: "scheduled" | "on-demand";
  status: "queued" | "running" | "ok" | "broken" | "failed";
  checked: number | null;
  firstBadEventId: string | null;
  problem: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
}

export interface ChainStatus {
  /** The newest finished check. */
  latest: ChainCheck | null;
  /** A check waiting or running now. */
  pending: ChainCheck | null;
}

interface CheckRow {
  id: string;
  trigger: ChainCheck["trigger"];
  status: ChainCheck["status"];
  checked: string | null;
  first_bad_event_id: string | null;
  problem: string | null;
  requested_at: Date;
  finished_at: Date | null;
}

const toCheck = (r: CheckRow): ChainCheck => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  checked: r.checked === null ? null : Number(r.checked),
  firstBadEventId: r.first_bad_event_id,
  problem: r.problem,
  requestedAt: r.requested_at,
  finishedAt: r.finished_at,
});

const COLUMNS = "id, trigger, status, checked::text AS checked, first_bad_event_id::text AS first_bad_event_id, problem, requested_at, finished_at";

/** Reads the chain status in the caller's transaction (contexts admin, dpo, system). */
export async function readChainStatus(db: pg.ClientBase): Promise<ChainStatus> {
  const latest = (
    await db.query<CheckRow>(`SELECT ${COLUMNS} FROM audit_chain_check WHERE status IN ('ok', 'broken', 'failed') ORDER BY finished_at DESC LIMIT 1`)
  ).rows[0];
  const pending = (
    await db.query<CheckRow>(`SELECT ${COLUMNS} FROM audit_chain_check WHERE status IN ('queued', 'running') ORDER BY requested_at DESC LIMIT 1`)
  ).rows[0];
  return { latest: latest ? toCheck(latest) : null, pending: pending ? toCheck(pending) : null };
}

export async function auditChainStatus(actor: AuditReader): Promise<ChainStatus> {
  return withContextClient(readerContext(actor), readChainStatus);
}

export interface AuditVerifyJob {
  checkId: string;
}

/**
 * Queues a verification. A check already waiting is reused (the chain only grows, so one run
 * answers every request made before it starts). `actor` null: the scheduler.
 */
export async function requestChainCheck(actor: AuditReader | null): Promise<{ checkId: string; reused: boolean }> {
  if (actor && actor.role !== "administrator" && actor.role !== "dpo") throw new AuditAccessError();
  const boss = await jobQueue();
  return withContextClient({ kind: "system", purpose: "audit-verify" }, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext('audit:verify-request'))");
    const waiting = (await c.query<{ id: string }>(`SELECT id FROM audit_chain_check WHERE status = 'queued' ORDER BY requested_at LIMIT 1`)).rows[0];
    if (waiting) return { checkId: waiting.id, reused: true };
    const { rows } = await c.query<{ id: string }>(`INSERT INTO audit_chain_check (trigger, requested_by_id) VALUES ($1, $2) RETURNING id`, [
      actor ? "on-demand" : "scheduled",
      actor?.userId ?? null,
    ]);
    const checkId = rows[0]!.id;
    // Same transaction: the check and its job exist together or not at all.
    const jobId = await boss.send(QUEUES.auditVerify.name, { checkId } satisfies AuditVerifyJob, { id: checkId, db: onConnection(c) });
    if (!jobId) throw new Error("the job queue refused the audit verification job");
    await recordAudit(c, {
      action: "audit.chain_check_requested",
      outcome: "success",
      actor: actor ? { userId: actor.userId, label: actor.email, role: actor.role } : { label: "system:audit-verify" },
      orgId: actor?.orgId ?? null,
      target: { type: "audit_chain_check", id: checkId },
    });
    return { checkId, reused: false };
  });
}

/**
 * Verifies the chain on `db` and records the verdict on the check: the job's body. Exported with
 * its connection so that a test can tamper with an event and verify inside one transaction it
 * then rolls back (the shared chain is never left broken).
 */
export async function verifyAndRecord(db: pg.ClientBase, checkId: string): Promise<ChainCheck> {
  await db.query(`UPDATE audit_chain_check SET status = 'running', started_at = now() WHERE id = $1`, [checkId]);
  const verdict = await verifyAuditChain(db as pg.PoolClient);
  const { rows } = await db.query<CheckRow>(
    `UPDATE audit_chain_check SET status = $2, checked = $3, first_bad_event_id = $4, problem = $5, finished_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      checkId,
      verdict.ok ? "ok" : "broken",
      verdict.checked,
      verdict.ok ? null : verdict.firstBadEventId.toString(),
      verdict.ok ? null : verdict.problem,
    ],
  );
  await recordAudit(db as pg.PoolClient, {
    action: "audit.chain_checked",
    outcome: verdict.ok ? "success" : "failure",
    actor: { label: "system:audit-verify" },
    target: { type: "audit_chain_check", id: checkId },
    details: verdict.ok
      ? { checked: verdict.checked }
      : { checked: verdict.checked, firstBadEventId: verdict.firstBadEventId.toString(), problem: verdict.problem },
  });
  return toCheck(rows[0]!);
}

/** Runs one queued check (the pg-boss handler; also used by tests without a worker). */
export async function runChainCheck(checkId: string): Promise<ChainCheck | null> {
  try {
    return await withContextClient({ kind: "system", purpose: "audit-verify" }, async (c) => {
      const row = (await c.query<{ status: string }>(`SELECT status FROM audit_chain_check WHERE id = $1 FOR UPDATE`, [checkId])).rows[0];
      // Already done (a duplicate delivery): not redone.
      if (!row || (row.status !== "queued" && row.status !== "running")) return null;
      return verifyAndRecord(c, checkId);
    });
  } catch (e) {
    await withContextClient({ kind: "system", purpose: "audit-verify" }, (c) =>
      c.query(`UPDATE audit_chain_check SET status = 'failed', problem = $2, finished_at = now() WHERE id = $1`, [
        checkId,
        "The check could not be completed; it has been logged and will run again.",
      ]),
    ).catch(() => {});
    throw e;
  }
}

/** How often the jobs process verifies the whole chain by itself. */
export const CHAIN_CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

let workerId: string | undefined;
let timer: NodeJS.Timeout | undefined;

/** Starts this process's verification worker and the schedule (a check when the last is older than the interval). */
export async function startAuditVerifyWorker(log: (line: string) => void): Promise<void> {
  if (workerId) return;
  const boss = await jobQueue();
  workerId = await boss.work<AuditVerifyJob>(QUEUES.auditVerify.name, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
    if (job) await runChainCheck(job.data.checkId);
  });
  const tick = async () => {
    const due = await withContextClient({ kind: "system", purpose: "audit-verify" }, async (c) => {
      const last = (await c.query<{ requested_at: Date }>(`SELECT requested_at FROM audit_chain_check ORDER BY requested_at DESC LIMIT 1`)).rows[0];
      return !last || Date.now() - last.requested_at.getTime() >= CHAIN_CHECK_EVERY_MS;
    });
    if (due) await requestChainCheck(null);
  };
  const safeTick = () =>
    void tick().catch((e: unknown) => log(`audit chain check could not be scheduled: ${e instanceof Error ? e.message : String(e)}`));
  timer = setInterval(safeTick, 10 * 60 * 1000);
  timer.unref();
  safeTick();
}

export async function stopAuditVerifyWorker(): Promise<void> {
  if (timer) clearInterval(timer);
  timer = undefined;
  if (!workerId) return;
  const boss = await jobQueue();
  await boss.offWork({ id: workerId }).catch(() => {});
  workerId = undefined;
}
