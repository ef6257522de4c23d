import "server-only";
import { findAgreementId, reconcileMatching, registerRunKind, requestMatchingRun, runMatchingInProcess, type RunTrigger } from "@/lib/matching/jobs";
import { TF_AGREEMENT, computeTfRun, tfLiveBatches } from "./run.server";

/** Makes runs of the Troubled Families agreement compute the evaluation (call once at start-up). */
export function registerTroubledFamiliesRuns(): void {
  registerRunKind(TF_AGREEMENT, computeTfRun);
}

/** Queues an evaluation run (after a council's batch is loaded or withdrawn, or on request). */
export async function requestTfRun(opts: { trigger: RunTrigger; requestedById?: string }): Promise<{ runId: string; version: number } | null> {
  const agreementId = await findAgreementId(TF_AGREEMENT);
  if (!agreementId) return null;
  return requestMatchingRun({ ...opts, agreementId });
}

/** Runs an evaluation in this process, without the queue (first-run demo, benchmark). */
export async function runTfInProcess(trigger: RunTrigger): Promise<{ runId: string; version: number }> {
  registerTroubledFamiliesRuns();
  const agreementId = await findAgreementId(TF_AGREEMENT);
  if (!agreementId) throw new Error(`agreement ${TF_AGREEMENT} does not exist`);
  return runMatchingInProcess({ trigger, agreementId });
}

/**
 * Queues a run when the councils' live batches differ from those of the newest evaluation run:
 * catches batches loaded by another process (the ingest CLI, SFTP on another instance).
 */
export async function reconcileTf(): Promise<boolean> {
  const agreementId = await findAgreementId(TF_AGREEMENT);
  return agreementId ? reconcileMatching(agreementId, tfLiveBatches) : false;
}
