import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import { requestDelivery } from "./deliver";
import { isUuid } from "@/lib/ids";

type AdminContext = UnitContext & { kind: "admin" };

export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

export interface OutboxItem {
  id: string;
  kind: string;
  to: string;
  subject: string;
  orgName: string | null;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
  nextAttemptAt: Date;
  deliveredVia: string | null;
  sensitive: boolean;
  /** The copy the embedded mail server received, when it was the one that delivered. */
  receivedId: string | null;
}

export interface MailSummary {
  pending: number;
  retrying: number;
  sent: number;
  failed: number;
}

/** The outbox, newest first, for the administrators' "Sent mail" page. */
export async function listOutbox(
  ctx: AdminContext,
  filter: { status?: MailStatus; limit?: number } = {},
): Promise<{ items: OutboxItem[]; summary: MailSummary }> {
  return withContextClient(ctx, async (c) => {
    const items = await c.query<OutboxItem>(
      `SELECT m.id, m.kind, m.to_address AS "to", m.subject, o.name AS "orgName", m.status, m.attempts, m.last_error AS "lastError",
              m.created_at AS "createdAt", m.sent_at AS "sentAt", m.next_attempt_at AS "nextAttemptAt", m.delivered_via AS "deliveredVia",
              m.sensitive, r.id AS "receivedId"
       FROM notification_outbox m
       LEFT JOIN organisation o ON o.id = m.org_id
       LEFT JOIN LATERAL (SELECT id FROM mail_received WHERE message_id = m.message_id ORDER BY received_at LIMIT 1) r ON m.message_id IS NOT NULL
       WHERE ($1::text IS NULL OR m.status = $1)
       ORDER BY m.created_at DESC, m.id LIMIT $2`,
      [filter.status ?? null, Math.min(Math.max(filter.limit ?? 200, 1), 1000)],
    );
    const counts = await c.query<{ pending: number; retrying: number; sent: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status = 'pending' AND attempts = 0)::int AS pending,
              count(*) FILTER (WHERE status = 'pending' AND attempts > 0)::int AS retrying,
              count(*) FILTER (WHERE status = 'sent')::int AS sent,
              count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM notification_outbox`,
    );
    return { items: items.rows, summary: counts.rows[0]! };
  });
}

export interface ReceivedMessage {
  id: string;
  receivedAt: Date;
  from: string;
  to: string[];
  subject: string;
  text: string;
}

/** One message as the embedded mail server received it (the demo's mailbox). */
export async function getReceivedMessage(ctx: AdminContext, id: string): Promise<ReceivedMessage | null> {
  if (!isUuid(id)) return null;
  return withContextClient(
    ctx,
    async (c) =>
      (
        await c.query<ReceivedMessage>(
          `SELECT id, received_at AS "receivedAt", mail_from AS "from", rcpt_to AS "to", subject, text_body AS "text" FROM mail_received WHERE id = $1`,
          [id],
        )
      ).rows[0] ?? null,
  );
}

export type RetryResult = { ok: true } | { ok: false; message: string };

/** An administrator's "try again now" for a message that is not yet delivered. */
export async function retryMail(ctx: AdminContext, actor: { label: string }, id: string): Promise<RetryResult> {
  if (!isUuid(id)) return { ok: false, message: "No such message." };
  const outcome = await withContextClient(ctx, async (c) => {
    const r = await c.query<{ status: string; org_id: string | null }>(`SELECT status, org_id FROM notification_outbox WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    const row = r.rows[0];
    if (!row) return { ok: false as const, message: "No such message." };
    if (row.status === "sent") return { ok: false as const, message: "This message has already been delivered." };
    await c.query(`UPDATE notification_outbox SET status = 'pending', next_attempt_at = now() WHERE id = $1`, [id]);
    await recordAudit(c, {
      action: "mail.retry_requested",
      outcome: "success",
      actor: { userId: ctx.userId, label: actor.label, role: "administrator" },
      orgId: row.org_id,
      target: { type: "mail", id },
    });
    return { ok: true as const };
  });
  if (outcome.ok) await requestDelivery(id);
  return outcome;
}
