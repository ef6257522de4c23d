import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withContextClient, type Tx } from "@/lib/db/tenant";

export interface OutgoingMessage {
  orgId: string | null;
  /** What the message is about, e.g. `ingest.incident`. */
  kind: string;
  to: string;
  subject: string;
  body: string;
}

// No RETURNING: the writer (an organisation's context) may queue a message but not read the queue.
const INSERT = `INSERT INTO notification_outbox (id, org_id, kind, to_address, subject, body) VALUES ($1, $2, $3, $4, $5, $6)`;

/**
 * Queues a message in the caller's transaction: it exists exactly when the event it announces
 * committed, and is delivered afterwards by {@link deliverPendingNotifications}.
 */
export async function enqueueNotification(db: Tx | pg.PoolClient, m: OutgoingMessage): Promise<string> {
  const id = randomUUID();
  const params = [id, m.orgId, m.kind, m.to, m.subject, m.body];
  if ("$queryRawUnsafe" in db) await db.$executeRawUnsafe(INSERT, ...params);
  else await db.query(INSERT, params);
  return id;
}

export type Deliver = (m: OutgoingMessage & { id: string }) => Promise<string>;

/**
 * Without a mail server the log is the delivery channel: operators forward what it shows. The
 * message text never holds data values (the callers write counts and rule names only).
 */
export const deliverToLog: Deliver = async (m) => {
  console.log(`[notify] to ${m.to}: ${m.subject}\n${m.body.replace(/^/gm, "  | ")}`);
  return "log";
};

/** Delivers queued messages, oldest first; a failure is recorded on the message and retried later. */
export async function deliverPendingNotifications(deliver: Deliver = deliverToLog, limit = 100): Promise<number> {
  return withContextClient({ kind: "system", purpose: "notify" }, async (c) => {
    const pending = await c.query<{ id: string; org_id: string | null; kind: string; to_address: string; subject: string; body: string }>(
      `SELECT id, org_id, kind, to_address, subject, body FROM notification_outbox
       WHERE sent_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    let sent = 0;
    for (const r of pending.rows) {
      try {
        const via = await deliver({ id: r.id, orgId: r.org_id, kind: r.kind, to: r.to_address, subject: r.subject, body: r.body });
        await c.query(`UPDATE notification_outbox SET sent_at = now(), delivered_via = $2, attempts = attempts + 1 WHERE id = $1`, [r.id, via]);
        sent++;
      } catch (e) {
        await c.query(`UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
          r.id,
          e instanceof Error ? e.message.slice(0, 500) : String(e),
        ]);
      }
    }
    return sent;
  });
}
