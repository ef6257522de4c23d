import "server-only";
import type { DatasetId } from "@/lib/datasets";
import { errFields, log } from "@/lib/log";

export interface BatchChanged {
  batchId: string;
  orgId: string;
  datasetId: DatasetId;
  kind: "loaded" | "withdrawn";
}

export type BatchChangedListener = (event: BatchChanged) => void | Promise<void>;

// On globalThis because Next.js bundles, the custom server and CLI scripts may each load this
// module; a subscriber registered in one copy must hear events emitted from another.
const g = globalThis as unknown as { __ingestBatchListeners?: Set<BatchChangedListener> };
const listeners = (g.__ingestBatchListeners ??= new Set());

/**
 * Subscribes to batches becoming live or leaving analysis (the matching job re-runs on these).
 * Returns the unsubscribe function.
 */
export function onBatchChanged(listener: BatchChangedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Tells subscribers, after the change has committed. A failing subscriber is logged and does not
 * undo the load or the withdrawal, nor keep other subscribers from hearing it.
 */
export async function emitBatchChanged(event: BatchChanged): Promise<void> {
  for (const listener of [...listeners]) {
    try {
      await listener(event);
    } catch (e) {
      log({ component: "ingest", batchId: event.batchId }).error(errFields(e), "a batch-changed listener failed");
    }
  }
}
