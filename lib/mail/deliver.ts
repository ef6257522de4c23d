import "server-only";
import { randomUUID } from "node:crypto";
import { withContextClient } from "@/lib/db/tenant";
import { jobQueue } from "@/lib/queue/boss";
import { QUEUES } from "@/lib/queue/queues";
import { mailFrom, mailRoute, mailTransport } from "./transport";
import { publicUrl } from "@/lib/env";
import { errFields, log } from "@/lib/log";

export interface DeliveryTiming {
  /** pg-boss retries of one delivery job after its first attempt. */
  retryLimit: number;
  /** Seconds before the first retry; doubled each time when `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** How often the worker looks for jobs, and the sweep for new messages. */
  pollingIntervalSeconds: number;
  /** After the retries are spent, a failed message is tried again this often. */
  failedRetryMinutes: number;
}

const DEFAULT_TIMING: DeliveryTiming = {
  retryLimit: QUEUES.mail.options.retryLimit,
  retryDelay: QUEUES.mail.options.retryDelay,
  retryBackoff: QUEUES.mail.options.retryBackoff,
  pollingIntervalSeconds: 2,
  failedRetryMinutes: 60,
};

interface WorkerState {
  workerId?: string;
  sweep?: NodeJS.Timeout;
  timing: DeliveryTiming;
  sweeping?: Promise<number>;
}
const g = globalThis as unknown as { __portalMail?: WorkerState };
const state = (): WorkerState => (g.__portalMail ??= { timing: DEFAULT_TIMING });

export const REMOVED_BODY = "[Removed after delivery: this message carried a credential, which the platform does not keep.]";

interface MailJob {
  outboxId: string;
}

function sendOptions(id?: string) {
  const t = state().timing;
  return { ...(id ? { id } : {}), retryLimit: t.retryLimit, retryDelay: t.retryDelay, retryBackoff: t.retryBackoff };
}

function describe(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/\s+/g, " ").slice(0, 500);
}

/**
 * One delivery attempt of one message. The row stays locked while the SMTP conversation runs, so
 * two workers never send the same message; a message already sent is left alone (jobs can be
 * duplicated, deliveries cannot). Returns the error when the attempt failed.
 */
export async function deliverMessage(outboxId: string, opts: { final: boolean }): Promise<"sent" | "skipped" | Error> {
  return withContextClient({ kind: "system", purpose: "mail-delivery" }, async (c) => {
    const row = (
      await c.query<{ id: string; to_address: string; subject: string; body: string; html: string | null; status: string; sensitive: boolean }>(
        `SELECT id, to_address, subject, body, html, status, sensitive FROM notification_outbox WHERE id = $1 FOR UPDATE SKIP LOCKED`,
        [outboxId],
      )
    ).rows[0];
    if (!row || row.status === "sent") return "skipped";
    const route = mailRoute();
    try {
      const host = new URL(publicUrl()).hostname;
      const info = await mailTransport().sendMail({
        from: mailFrom(),
        to: row.to_address,
        subject: row.subject,
        text: row.body,
        ...(row.html ? { html: row.html } : {}),
        // The same Message-ID on every attempt, so a receiver can drop a duplicate.
        messageId: `<${row.id}@${host}>`,
        headers: { "Auto-Submitted": "auto-generated" },
      });
      await c.query(
        `UPDATE notification_outbox SET status = 'sent', sent_at = now(), last_attempt_at = now(), attempts = attempts + 1, last_error = NULL,
           delivered_via = $2, message_id = $3,
           body = CASE WHEN sensitive THEN $4 ELSE body END, html = CASE WHEN sensitive THEN NULL ELSE html END
         WHERE id = $1`,
        [row.id, route.kind === "smtp" ? `smtp:${route.host}` : route.kind, info.messageId ?? `<${row.id}@${host}>`, REMOVED_BODY],
      );
      return "sent";
    } catch (e) {
      const t = state().timing;
      await c.query(
        `UPDATE notification_outbox SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2,
           status = CASE WHEN $3 THEN 'failed' ELSE 'pending' END,
           next_attempt_at = now() + make_interval(secs => $4)
         WHERE id = $1`,
        [row.id, describe(e), opts.final, opts.final ? t.failedRetryMinutes * 60 : t.retryDelay],
      );
      return e instanceof Error ? e : new Error(String(e));
    }
  });
}

/**
 * Hands every message that needs a delivery job to pg-boss: new messages (queued by any process,
 * including the ingest CLI), failed ones whose hourly retry is due, and any whose job was lost.
 * A new message's job has the message's id, so sweeping twice never sends twice.
 */
export async function dispatchPendingMail(): Promise<number> {
  const s = state();
  if (s.sweeping) return s.sweeping;
  s.sweeping = (async () => {
    const boss = await jobQueue();
    const rows = await withContextClient({ kind: "system", purpose: "mail-delivery" }, async (c) => {
      const fresh = await c.query<{ id: string }>(
        `SELECT id FROM notification_outbox WHERE status = 'pending' AND attempts = 0 ORDER BY created_at LIMIT 500`,
      );
      const again = await c.query<{ id: string }>(
        `UPDATE notification_outbox SET status = 'pending', next_attempt_at = now() + make_interval(secs => $1)
         WHERE id IN (SELECT id FROM notification_outbox
                      WHERE (status = 'failed' AND next_attempt_at <= now())
                         OR (status = 'pending' AND attempts > 0 AND next_attempt_at <= now() - interval '1 hour')
                      ORDER BY next_attempt_at LIMIT 500 FOR UPDATE SKIP LOCKED)
         RETURNING id`,
        [s.timing.failedRetryMinutes * 60],
      );
      return { fresh: fresh.rows.map((r) => r.id), again: again.rows.map((r) => r.id) };
    });
    let sent = 0;
    for (const id of rows.fresh) if (await boss.send(QUEUES.mail.name, { outboxId: id } satisfies MailJob, sendOptions(id))) sent++;
    for (const id of rows.again) if (await boss.send(QUEUES.mail.name, { outboxId: id } satisfies MailJob, sendOptions(randomUUID()))) sent++;
    return sent;
  })().finally(() => {
    s.sweeping = undefined;
  });
  return s.sweeping;
}

/** Queues a new delivery job for one message now (an administrator's "try again"). */
export async function requestDelivery(outboxId: string): Promise<void> {
  const boss = await jobQueue();
  await boss.send(QUEUES.mail.name, { outboxId } satisfies MailJob, sendOptions(randomUUID()));
}

/**
 * Starts this process's mail worker and the sweep that turns new outbox rows into jobs. Call
 * once at start-up; `timing` is for tests that cannot wait half an hour for back-off.
 */
export async function startMailWorker(timing: Partial<DeliveryTiming> = {}): Promise<void> {
  const s = state();
  if (s.workerId) return;
  s.timing = { ...DEFAULT_TIMING, ...timing };
  const boss = await jobQueue();
  s.workerId = await boss.work<MailJob>(
    QUEUES.mail.name,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: s.timing.pollingIntervalSeconds },
    async ([job]) => {
      if (!job) return;
      const outcome = await deliverMessage(job.data.outboxId, { final: job.retryCount >= job.retryLimit });
      // Throwing hands the job back to pg-boss, which retries it with back-off.
      if (outcome instanceof Error) throw outcome;
    },
  );
  const sweep = () => void dispatchPendingMail().catch((e: unknown) => log({ component: "mail" }).error(errFields(e), "mail dispatch failed"));
  s.sweep = setInterval(sweep, s.timing.pollingIntervalSeconds * 1000);
  s.sweep.unref();
  sweep();
}

/** After a transaction that queued mail has committed: deliver now rather than at the next sweep. */
export function nudgeMailDelivery(): void {
  if (state().workerId) void dispatchPendingMail().catch(() => {});
}

export async function stopMailWorker(): Promise<void> {
  const s = state();
  if (s.sweep) clearInterval(s.sweep);
  s.sweep = undefined;
  if (!s.workerId) return;
  const boss = await jobQueue();
  await boss.offWork({ id: s.workerId }).catch(() => {});
  s.workerId = undefined;
  s.timing = DEFAULT_TIMING;
}
