import "server-only";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import type { Tx } from "@/lib/db/tenant";

/**
 * What a notice is about: `area.event`, lower-case (e.g. `account.activation`,
 * `ingest.incident`). Shown to administrators on the "Sent mail" page and used to filter it.
 */
export type MailKind = `${string}.${string}`;

export interface MailInput {
  /** One recipient; queue one message per person so that one bad address delays no one else. */
  to: string;
  subject: string;
  /** The plain-text body: every message has one (it is what the demo mailbox shows). */
  text: string;
  /** An optional HTML alternative of the same content. */
  html?: string;
  kind: MailKind;
  /** The organisation the notice concerns, if any. */
  orgId?: string | null;
  /**
   * The message carries a credential (an activation or reset link): the stored copy of its body is
   * blanked once it has been delivered, and it is never written to a log.
   */
  sensitive?: boolean;
}

export class MailInputError extends Error {
  name = "MailInputError";
}

const oneLine = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `${what} is empty` })
    .max(max, { error: `${what} is longer than ${max} characters` })
    .refine((v) => !/[\r\n]/.test(v), { error: `${what} must be one line` });

const mailSchema = z.object({
  to: z
    .string()
    .trim()
    .pipe(z.email({ error: "The recipient is not an e-mail address" })),
  subject: oneLine("The subject", 250),
  text: z.string().min(1, { error: "The message text is empty" }).max(100_000, { error: "The message text is too long" }),
  html: z.string().max(200_000, { error: "The HTML body is too long" }).optional(),
  kind: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/, { error: "The kind must look like area.event" }),
  orgId: z.uuid().nullable().optional(),
  sensitive: z.boolean().optional(),
});

// No RETURNING: an organisation's context may queue a message but not read the outbox.
const INSERT = `INSERT INTO notification_outbox (id, org_id, kind, to_address, subject, body, html, sensitive)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`;

/**
 * Queues an e-mail in the caller's transaction: the message exists exactly when the event it
 * announces committed, and a job delivers it afterwards (lib/mail/deliver.ts) with retries and
 * back-off. Works in any tenant context (an organisation's, an administrator's, the system's).
 * Never log what you pass here.
 */
export async function queueMail(db: Tx | pg.ClientBase, input: MailInput): Promise<string> {
  const parsed = mailSchema.safeParse(input);
  if (!parsed.success) throw new MailInputError(parsed.error.issues.map((i) => i.message).join("; "));
  const m = parsed.data;
  const id = randomUUID();
  const params = [id, m.orgId ?? null, m.kind, m.to, m.subject, m.text, m.html ?? null, m.sensitive ?? false];
  if ("$executeRawUnsafe" in db) await db.$executeRawUnsafe(INSERT, ...params);
  else await db.query(INSERT, params);
  return id;
}
