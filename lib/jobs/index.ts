import "server-only";
import { AgreementEndedError } from "@/lib/agreements/in-force";
import { startAuditVerifyWorker, stopAuditVerifyWorker } from "@/lib/audit/chain-check";
import { startIncidentEscalation, stopIncidentEscalation } from "@/lib/incidents/jobs";
import { onBatchChanged } from "@/lib/ingest/events";
import { forgetRunState, warmVangeDashboard } from "@/lib/dashboards/service";
import { MATCHED_DATASETS, PILOT_AGREEMENT } from "@/lib/matching/sources";
import {
  findAgreementId,
  onRunLive,
  reconcileMatching,
  recoverInterruptedRuns,
  requestMatchingRun,
  startMatchingWorker,
  stopMatchingWorker,
} from "@/lib/matching/jobs";
import { startMailWorker, stopMailWorker } from "@/lib/mail";
import { startSftpScheduler } from "@/lib/sftp/scheduler";
import { TF_DATASET } from "@/lib/troubled-families/run.server";
import { reconcileTf, registerTroubledFamiliesRuns, requestTfRun } from "@/lib/troubled-families/jobs.server";
import { stopJobQueue } from "@/lib/queue/boss";

const RECONCILE_EVERY_MS = 60_000;

let stop: (() => Promise<void>) | undefined;

/**
 * Starts this process's background work: the matching worker, a run after every loaded or
 * withdrawn pilot batch, and a periodic check that catches batches loaded by other processes
 * (the ingest CLI) or while no worker was running.
 */
export async function startJobs(opts: { log: (line: string) => void }): Promise<void> {
  if (stop) return;
  registerTroubledFamiliesRuns();
  await startMatchingWorker();
  const offBatch = onBatchChanged(async (e) => {
    const trigger = e.kind === "loaded" ? "batch-loaded" : "batch-withdrawn";
    // A council's Troubled Families batch: the evaluation is run again.
    if (e.datasetId === TF_DATASET) {
      await requestTfRun({ trigger }).catch((err: unknown) => {
        if (!(err instanceof AgreementEndedError)) throw err;
      });
      return;
    }
    if (!(MATCHED_DATASETS as readonly string[]).includes(e.datasetId)) return;
    const agreementId = await findAgreementId(PILOT_AGREEMENT);
    // A withdrawal after the agreement ended changes nothing that is published: no run.
    if (agreementId)
      await requestMatchingRun({ trigger, agreementId }).catch((err: unknown) => {
        if (!(err instanceof AgreementEndedError)) throw err;
      });
  });
  const offLive = onRunLive(() => {
    forgetRunState();
    return warmVangeDashboard().catch((e: unknown) => opts.log(`dashboard warm-up failed: ${String(e)}`));
  });
  const reconcile = () =>
    Promise.all([recoverInterruptedRuns(), reconcileMatching(), reconcileTf()]).catch((e: unknown) =>
      opts.log(`matching check failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  const timer = setInterval(reconcile, RECONCILE_EVERY_MS);
  timer.unref();
  void reconcile();
  void warmVangeDashboard().catch(() => {});
  // Polls every configured partner SFTP inbox on its schedule (and clears loads a previous
  // server stop left half-way).
  const stopSftp = startSftpScheduler({ log: (l) => opts.log(`sftp: ${l}`) });
  // Delivers the outbox: every notice queued by this or any other process (lib/mail).
  await startMailWorker();
  // Verifies the audit hash chain every few hours and when a reader asks (the audit page).
  await startAuditVerifyWorker((l) => opts.log(`audit: ${l}`));
  // The breach register's 24-hour clock: administrators are alerted 20 hours after discovery.
  await startIncidentEscalation((l) => opts.log(`incidents: ${l}`));
  stop = async () => {
    await stopIncidentEscalation();
    await stopAuditVerifyWorker();
    stopSftp();
    await stopMailWorker();
    clearInterval(timer);
    offBatch();
    offLive();
    await stopMatchingWorker();
    await stopJobQueue();
  };
  opts.log("Matching worker, SFTP inbox polling and mail delivery started.");
}

export async function stopJobs(): Promise<void> {
  const s = stop;
  stop = undefined;
  await s?.();
}
