import "server-only";
import fs from "node:fs";
import type pg from "pg";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";
import { originalFilePath, partialFilePath } from "./paths";

/*
 * A batch being loaded is held by a session-level advisory lock on the loading connection. If the
 * loading process dies (SIGKILL, crash, lost connection), PostgreSQL rolls its transaction back
 * and releases the lock; a batch still marked 'received' or 'loading' whose lock is free has
 * therefore lost its loader, and the sweeper marks it 'failed'. No timeout guesses, and it works
 * across hosts sharing the database.
 */
const LOCK_KEY = `hashtextextended('ingest:batch:' || $1::text, 0)`;

export async function lockBatch(client: pg.PoolClient, batchId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`, [batchId]);
}

export async function unlockBatch(client: pg.PoolClient, batchId: string): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [batchId]);
}

/**
 * Marks as 'failed' every unfinished batch whose loader is gone. Safe to run at any time and from
 * any process (start-up, the SFTP poller, the CLI): a live loader holds its lock.
 */
export async function sweepInterruptedBatches(): Promise<string[]> {
  return withContextClient({ kind: "system", purpose: "ingest-sweeper" }, async (c) => {
    const candidates = await c.query<{ id: string; org_id: string }>(`SELECT id, org_id FROM upload_batch WHERE status IN ('received', 'loading')`);
    const failed: string[] = [];
    for (const b of candidates.rows) {
      // The xact lock is released when this transaction ends; holding it while updating keeps a
      // loader that is just starting from racing us.
      const free = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${LOCK_KEY}) AS ok`, [b.id]);
      if (!free.rows[0]?.ok) continue;
      const upd = await c.query(
        `UPDATE upload_batch SET status = 'failed', completed_at = now() WHERE id = $1 AND status IN ('received', 'loading')`,
        [b.id],
      );
      if (upd.rowCount === 0) continue;
      await c.query(
        `INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary)
         VALUES ($1, $2, 'failed', $3, '{}'::jsonb)
         ON CONFLICT (batch_id) DO UPDATE SET outcome = 'failed', message = EXCLUDED.message`,
        [
          b.id,
          b.org_id,
          "The upload was interrupted before it finished (the server stopped or the connection was lost). Nothing from it was loaded; please upload the file again.",
        ],
      );
      await recordAudit(c, {
        action: "ingest.batch_failed",
        outcome: "failure",
        actor: { label: "system:ingest-sweeper" },
        orgId: b.org_id,
        target: { type: "upload_batch", id: b.id },
        details: { reason: "loader gone" },
      });
      // Bytes of an unfinished transfer are not kept: nothing of the batch was loaded.
      for (const p of [partialFilePath(b.org_id, b.id), originalFilePath(b.org_id, b.id)]) fs.rmSync(p, { force: true });
      failed.push(b.id);
    }
    return failed;
  });
}
