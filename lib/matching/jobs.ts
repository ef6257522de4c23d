import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type PgBoss from "pg-boss";
import { AgreementEndedError, agreementDates, assertAgreementNotEnded } from "@/lib/agreements/in-force";
import { auditInMatchingTransaction } from "./audit";
import { pool } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { jobQueue, onConnection } from "@/lib/queue/boss";
import { QUEUES } from "@/lib/queue/queues";
import { computeRun, discardStaleAnalysis, liveBatches, setProgress } from "./run";
import { PILOT_AGREEMENT } from "./sources";
import { errFields, log } from "@/lib/log";

export type RunTrigger = "batch-loaded" | "batch-withdrawn" | "on-demand" | "reconcile" | "demo" | "benchmark";

export interface MatchingJobData {
  runId: string;
}

export async function findAgreementId(slug: string): Promise<string | null> {
  const a = await withContext({ kind: "matching" }, (tx) => tx.agreement.findUnique({ where: { slug }, select: { id: true } }));
  return a?.id ?? null;
}

export async function agreementIdBySlug(slug: string): Promise<string> {
  const id = await findAgreementId(slug);
  if (!id) throw new Error(`agreement ${slug} does not exist`);
  return id;
}

/**
 * Queues a matching run for an agreement (the Essex pilot unless told otherwise). A run already
 * waiting for a worker is reused: it reads the live batches when it starts, so it will include
 * whatever changed since it was queued. Throws {@link AgreementEndedError} after the agreement's end
 * date: nothing is matched then.
 */
export async function requestMatchingRun(opts: {
  trigger: RunTrigger;
  requestedById?: string;
  agreementId?: string;
}): Promise<{ runId: string; version: number; reused: boolean }> {
  const agreementId = opts.agreementId ?? (await agreementIdBySlug(PILOT_AGREEMENT));
  const boss = await jobQueue();
  return withContextClient({ kind: "matching" }, async (c) => {
    // Serialises concurrent requests (several app instances, several batches at once).
    await c.query("SELECT pg_advisory_xact_lock(hashtext('matching:request'), hashtext($1))", [agreementId]);
    await assertAgreementNotEnded(c, agreementId);
    const queued = await c.query<{ id: string; version: number }>(
      "SELECT id, version FROM matching_run WHERE agreement_id = $1 AND status = 'queued' AND attempts = 0 ORDER BY version LIMIT 1",
      [agreementId],
    );
    if (queued.rows[0]) return { runId: queued.rows[0].id, version: queued.rows[0].version, reused: true };
    const runId = randomUUID();
    const { rows } = await c.query<{ version: number }>(
      "INSERT INTO matching_run (id, agreement_id, trigger, requested_by_id) VALUES ($1, $2, $3, $4) RETURNING version",
      [runId, agreementId, opts.trigger, opts.requestedById ?? null],
    );
    // Same transaction: the run row and its job exist together or not at all.
    const jobId = await boss.send(QUEUES.matching.name, { runId } satisfies MatchingJobData, { id: runId, db: onConnection(c) });
    if (!jobId) throw new Error("the job queue refused the matching job");
    await auditInMatchingTransaction(c, {
      action: "matching.requested",
      outcome: "success",
      actor: opts.requestedById ? { userId: opts.requestedById, label: "user", role: "researcher" } : { label: `system:${opts.trigger}` },
      target: { type: "matching_run", id: runId },
      details: { version: rows[0]!.version, trigger: opts.trigger },
    });
    return { runId, version: rows[0]!.version, reused: false };
  });
}

/** Messages shown to users: never a stack trace, never SQL. */
function publicMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === "42P01") return "A partner dataset table is missing from the database.";
  if (code === "57014") return "The run was cancelled because it took too long.";
  if (code?.startsWith("08") || code === "57P01") return "The database connection was lost during the run.";
  return "The run stopped with an unexpected error; it has been logged.";
}

/**
 * Handles one pg-boss job. A failed attempt leaves the live run as it was; pg-boss retries it
 * (the queue's retryLimit) and only the last failed attempt marks the run failed.
 */
export async function handleMatchingJob(
  job: Pick<PgBoss.JobWithMetadata<MatchingJobData>, "data" | "retryCount" | "retryLimit">,
  compute: typeof computeRun = computeRun,
): Promise<void> {
  const { runId } = job.data;
  // Held for the whole attempt on a connection of its own: when this process dies the database
  // drops the connection and the lock, which is how recoverInterruptedRuns tells a run whose
  // worker was killed from one still working (taken before the run is marked running).
  const holder = await holdRunLock(runId);
  // Another worker (or the recovery) is on this run: try again later rather than drop the job.
  if (!holder) throw new Error(`matching run ${runId} is being handled elsewhere; retrying later`);
  try {
    await attempt(job, runId, compute);
  } finally {
    await holder.release();
  }
}

async function attempt(
  job: Pick<PgBoss.JobWithMetadata<MatchingJobData>, "data" | "retryCount" | "retryLimit">,
  runId: string,
  compute: typeof computeRun,
): Promise<void> {
  const started = await withContext({ kind: "matching" }, (tx) =>
    tx.matchingRun.updateMany({
      where: { id: runId, status: { in: ["queued", "running"] } },
      data: { status: "running", attempts: { increment: 1 }, progress: 1, stage: "Starting", startedAt: new Date(), error: null },
    }),
  );
  // A run already finished (a duplicate delivery after a crash) is not redone.
  if (started.count === 0) return;
  const run = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findUniqueOrThrow({ where: { id: runId } }));
  // A run queued before the agreement ended does not run after it: it ends, without retries, saying why.
  const ended = await withContextClient({ kind: "matching" }, (c) =>
    assertAgreementNotEnded(c, run.agreementId).then(
      () => null,
      (e: unknown) => {
        if (e instanceof AgreementEndedError) return e;
        throw e;
      },
    ),
  );
  if (ended) {
    await withContextClient({ kind: "matching" }, async (c) => {
      await c.query(`UPDATE matching_run SET status = 'failed', stage = 'Not run', error = $2, finished_at = now() WHERE id = $1`, [
        runId,
        ended.message,
      ]);
      await auditInMatchingTransaction(c, {
        action: "matching.run",
        outcome: "denied",
        actor: { label: "system:matching" },
        target: { type: "matching_run", id: runId },
        details: { version: run.version, reason: "agreement-ended" },
      });
    });
    return;
  }
  try {
    // Rows of an earlier, failed attempt of this run are never live; clear them first.
    await discardStaleAnalysis(run.agreementId);
    const special = runKinds.get((await agreementSlug(run.agreementId)) ?? "");
    const outcome = await (special ?? compute)(runId, (p, stage) => setProgress(runId, p, stage));
    if (outcome.live) {
      // Housekeeping after the run is complete and live: readers no longer use the old rows, so
      // removing them does not hold up the run (and is retried by the next run if it fails).
      void discardStaleAnalysis(run.agreementId).catch((e: unknown) =>
        log({ component: "matching" }).error(errFields(e), "discarding old analysis rows failed"),
      );
      for (const l of liveListeners) await Promise.resolve(l(runId)).catch(() => {});
    }
  } catch (e) {
    log({ component: "matching", runId: run.id }).error(
      { version: run.version, attempt: job.retryCount + 1, ...errFields(e) },
      "matching run attempt failed",
    );
    const final = job.retryCount >= job.retryLimit;
    await withContextClient({ kind: "matching" }, async (c) => {
      await c.query(
        `UPDATE matching_run SET status = $2, stage = $3, error = $4, finished_at = CASE WHEN $2 = 'failed' THEN now() END WHERE id = $1`,
        [runId, final ? "failed" : "queued", final ? "Failed" : "Waiting to retry after an error", publicMessage(e)],
      );
      await auditInMatchingTransaction(c, {
        action: "matching.run",
        outcome: "failure",
        actor: { label: "system:matching" },
        target: { type: "matching_run", id: runId },
        details: { version: run.version, attempt: job.retryCount + 1, final },
      });
    });
    throw e;
  }
}

const RUN_LOCK_SQL = "hashtext('matching-run'), hashtext($1::text)";

/** The run's lock on a dedicated connection, or null when another worker is on this run. */
async function holdRunLock(runId: string): Promise<{ release: () => Promise<void> } | null> {
  const client = await pool().connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${RUN_LOCK_SQL}) AS ok`, [runId]);
    if (!rows[0]?.ok) {
      client.release();
      return null;
    }
  } catch (e) {
    client.release(true);
    throw e;
  }
  return {
    release: async () => {
      let broken = false;
      await client.query(`SELECT pg_advisory_unlock(${RUN_LOCK_SQL})`, [runId]).catch(() => {
        broken = true;
      });
      client.release(broken);
    },
  };
}

/**
 * Runs marked running whose worker is gone (its process was killed: the run lock is free) are
 * handed back to the queue: pg-boss would otherwise hold the job as active until it expires (an
 * hour) and, the queue being a singleton, no other run could start meanwhile. Their open
 * transaction died with the connection, so nothing of them was kept and the live run is
 * untouched. Called by the periodic reconciliation of every instance.
 */
export async function recoverInterruptedRuns(): Promise<string[]> {
  const candidates = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findMany({ where: { status: "running" }, select: { id: true } }));
  const recovered: string[] = [];
  for (const { id } of candidates) {
    const holder = await holdRunLock(id);
    if (!holder) continue;
    try {
      const still = await withContext({ kind: "matching" }, (tx) =>
        tx.matchingRun.updateMany({
          where: { id, status: "running" },
          data: { status: "queued", stage: "Interrupted (the worker stopped); waiting to run again", progress: 0 },
        }),
      );
      if (still.count === 0) continue;
      const boss = await jobQueue();
      const job = await boss.getJobById(QUEUES.matching.name, id);
      // The interrupted attempt counts as a failed one: pg-boss retries it after the queue's delay.
      if (job && job.state === "active") {
        await boss.fail(QUEUES.matching.name, id, { error: "the worker stopped during the run" });
        if ((await boss.getJobById(QUEUES.matching.name, id))?.state === "failed") {
          // That was its last attempt: the run ends failed, with the reason users see.
          await withContext({ kind: "matching" }, (tx) =>
            tx.matchingRun.update({
              where: { id },
              data: {
                status: "failed",
                stage: "Failed",
                error: "The run was interrupted on its last attempt (the worker stopped).",
                finishedAt: new Date(),
              },
            }),
          );
        }
      } else if (!job) {
        // A run started without the queue (first-run demo, benchmark) gets a job now.
        await boss.send(QUEUES.matching.name, { runId: id } satisfies MatchingJobData, { id });
      }
      recovered.push(id);
    } finally {
      await holder.release();
    }
  }
  return recovered;
}

/**
 * Agreements whose runs another module computes, by slug: the Troubled Families evaluation
 * (lib/troubled-families/jobs.server.ts) uses the same run table, queue, retries, progress and
 * live switch as the pilot's linking, with its own computation. Registered at start-up, so this
 * module does not depend on the modules that use it.
 */
type ComputeRun = (runId: string, progress: (percent: number, stage: string) => Promise<void>) => Promise<{ live: boolean }>;
const runKinds = new Map<string, ComputeRun>();

export function registerRunKind(agreementSlug: string, compute: ComputeRun): void {
  runKinds.set(agreementSlug, compute);
}

async function agreementSlug(agreementId: string): Promise<string | null> {
  const a = await withContext({ kind: "matching" }, (tx) => tx.agreement.findUnique({ where: { id: agreementId }, select: { slug: true } }));
  return a?.slug ?? null;
}

type LiveListener = (runId: string) => void | Promise<void>;
const liveListeners = new Set<LiveListener>();

/** Tells subscribers (the dashboard cache) that a run has gone live in this process. */
export function onRunLive(listener: LiveListener): () => void {
  liveListeners.add(listener);
  return () => liveListeners.delete(listener);
}

/**
 * Runs a matching run in this process, without the queue: for the first-run demo set-up, which
 * happens before any worker is started. Same code path as a queued run.
 */
export async function runMatchingInProcess(opts: { trigger: RunTrigger; agreementId?: string }): Promise<{ runId: string; version: number }> {
  const agreementId = opts.agreementId ?? (await agreementIdBySlug(PILOT_AGREEMENT));
  const run = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.create({ data: { agreementId, trigger: opts.trigger } }));
  await handleMatchingJob({ data: { runId: run.id }, retryCount: 0, retryLimit: 0 });
  return { runId: run.id, version: run.version };
}

let workerId: string | undefined;

/** Starts this process's matching worker (one job at a time; the queue's policy keeps it to one across instances). */
export async function startMatchingWorker(): Promise<void> {
  if (workerId) return;
  const boss = await jobQueue();
  workerId = await boss.work<MatchingJobData>(
    QUEUES.matching.name,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 2 },
    async ([job]) => {
      if (job) await handleMatchingJob(job);
    },
  );
}

export async function stopMatchingWorker(): Promise<void> {
  if (!workerId) return;
  const boss = await jobQueue();
  await boss.offWork({ id: workerId }).catch(() => {});
  workerId = undefined;
}

/**
 * Queues a run when the live batches differ from those of the newest run: catches batches loaded
 * by another process (the ingest CLI) or while no worker was running.
 */
export async function reconcileMatching(
  agreementId?: string,
  batchesOf: (c: pg.ClientBase, agreementId: string) => Promise<{ id: string }[]> = liveBatches,
): Promise<boolean> {
  // Without the pilot agreement (a portal started without demo data, not set up yet) there is
  // nothing to match.
  const id = agreementId ?? (await findAgreementId(PILOT_AGREEMENT));
  if (!id) return false;
  const stale = await withContextClient({ kind: "matching" }, async (c) => {
    // After the end date there is nothing to bring up to date: the data only waits for destruction.
    if ((await agreementDates(c, { id }))?.phase === "ended") return false;
    const live = (await batchesOf(c, id)).map((b) => b.id).sort();
    const last = await c.query<{ batch_ids: string[]; status: string }>(
      "SELECT batch_ids, status FROM matching_run WHERE agreement_id = $1 AND status <> 'failed' ORDER BY version DESC LIMIT 1",
      [id],
    );
    const row = last.rows[0];
    if (!row) return live.length > 0;
    if (row.status !== "succeeded") return false;
    return JSON.stringify([...row.batch_ids].sort()) !== JSON.stringify(live);
  });
  if (stale) await requestMatchingRun({ trigger: "reconcile", agreementId: id });
  return stale;
}
