import "server-only";
import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { AgreementEndedError, agreementDates, assertAgreementNotEnded } from "@/lib/agreements/in-force";
import { auditInMatchingTransaction } from "./audit";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { jobQueue, onConnection } from "@/lib/jobs/boss";
import { QUEUES } from "@/lib/jobs/queues";
import { computeRun, discardStaleAnalysis, liveBatches, setProgress } from "./run";
import { PILOT_AGREEMENT } from "./sources";

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
  const ended = await withContextClient({ kind: "matching" }, (c) => assertAgreementNotEnded(c, run.agreementId).then(() => null, (e: unknown) => {
    if (e instanceof AgreementEndedError) return e;
    throw e;
  }));
  if (ended) {
    await withContextClient({ kind: "matching" }, async (c) => {
      await c.query(`UPDATE matching_run SET status = 'failed', stage = 'Not run', error = $2, finished_at = now() WHERE id = $1`, [runId, ended.message]);
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
    const outcome = await compute(runId, (p, stage) => setProgress(runId, p, stage));
    if (outcome.live) {
      // Housekeeping after the run is complete and live: readers no longer use the old rows, so
      // removing them does not hold up the run (and is retried by the next run if it fails).
      void discardStaleAnalysis(run.agreementId).catch((e: unknown) => console.error("[matching] discarding old analysis rows failed", e));
      for (const l of liveListeners) await Promise.resolve(l(runId)).catch(() => {});
    }
  } catch (e) {
    console.error(`[matching] run ${run.version} attempt ${job.retryCount + 1} failed`, e);
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
export async function reconcileMatching(agreementId?: string): Promise<boolean> {
  // Without the pilot agreement (a portal started without demo data, not set up yet) there is
  // nothing to match.
  const id = agreementId ?? (await findAgreementId(PILOT_AGREEMENT));
  if (!id) return false;
  const stale = await withContextClient({ kind: "matching" }, async (c) => {
    // After the end date there is nothing to bring up to date: the data only waits for destruction.
    if ((await agreementDates(c, { id }))?.phase === "ended") return false;
    const live = (await liveBatches(c, id)).map((b) => b.id).sort();
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
