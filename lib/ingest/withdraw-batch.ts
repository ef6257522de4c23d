import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { isDatasetId } from "@/lib/datasets";
import { withContextClient } from "@/lib/db/tenant";
import { emitBatchChanged } from "./events";
import { isUuid } from "@/lib/ids";

export type WithdrawResult = { ok: true; datasetId: string } | { ok: false; reason: "not-found" | "not-withdrawable"; status?: string };

export interface Actor {
  userId?: string | null;
  label: string;
  role?: string | null;
}

/**
 * Takes a loaded (or superseded) batch out of every analysis. Its rows stay in the dataset table
 * until retention removes them, but no live view includes a withdrawn batch. An earlier batch
 * that this one superseded is not brought back: the partner uploads again if they want it.
 */
export async function withdrawBatch(opts: { orgId: string; batchId: string; actor: Actor; requestId?: string }): Promise<WithdrawResult> {
  // An id that is not a UUID names no batch; asking PostgreSQL would only fail on the cast.
  if (!isUuid(opts.batchId)) return { ok: false, reason: "not-found" };
  const result = await withContextClient(
    { kind: "org", orgId: opts.orgId, userId: opts.actor.userId ?? undefined, requestId: opts.requestId },
    async (c): Promise<WithdrawResult> => {
      const found = await c.query<{ status: string; dataset_id: string }>(`SELECT status, dataset_id FROM upload_batch WHERE id = $1 FOR UPDATE`, [
        opts.batchId,
      ]);
      const row = found.rows[0];
      if (!row) return { ok: false, reason: "not-found" };
      if (row.status !== "loaded" && row.status !== "superseded") return { ok: false, reason: "not-withdrawable", status: row.status };
      await c.query(`UPDATE upload_batch SET status = 'withdrawn', withdrawn_at = now() WHERE id = $1`, [opts.batchId]);
      await recordAudit(c, {
        action: "ingest.batch_withdrawn",
        outcome: "success",
        actor: opts.actor,
        orgId: opts.orgId,
        target: { type: "upload_batch", id: opts.batchId },
        requestId: opts.requestId,
        details: { datasetId: row.dataset_id, previousStatus: row.status },
      });
      return { ok: true, datasetId: row.dataset_id };
    },
  );
  if (result.ok && isDatasetId(result.datasetId)) {
    await emitBatchChanged({ batchId: opts.batchId, orgId: opts.orgId, datasetId: result.datasetId, kind: "withdrawn" });
  }
  return result;
}
