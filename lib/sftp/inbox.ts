import "server-only";
import { z } from "zod";
import "@/lib/validation/plain-errors";
import { recordAudit } from "@/lib/audit/record";
import { withContext, withContextClient, type UnitContext } from "@/lib/db/tenant";
import { normaliseFingerprint } from "./fingerprint";
import { decryptCredential, encryptCredential } from "./secret";

export interface InboxConfig {
  id: string;
  orgId: string;
  orgName: string;
  host: string;
  port: number;
  username: string;
  authMethod: "private_key" | "password";
  hostKeyFingerprint: string;
  directory: string;
  enabled: boolean;
  pollIntervalMinutes: number;
  lastPolledAt: Date | null;
  lastResult: string | null;
}

/** An inbox with its decrypted credential: only for the poller, never for a page. */
export interface InboxWithCredential extends InboxConfig {
  credential: string;
}

const SELECT = `SELECT i.id, i.org_id AS "orgId", o.name AS "orgName", i.host, i.port, i.username, i.auth_method AS "authMethod",
  i.host_key_fingerprint AS "hostKeyFingerprint", i.directory, i.enabled, i.poll_interval_minutes AS "pollIntervalMinutes",
  i.last_polled_at AS "lastPolledAt", i.last_result AS "lastResult", i.credential_encrypted
  FROM sftp_inbox i JOIN organisation o ON o.id = i.org_id`;

type Row = InboxConfig & { credential_encrypted: string };
const strip = ({ credential_encrypted: _, ...rest }: Row): InboxConfig => rest;

/** The organisations an inbox can be set up for: active partners (not the platform's own operators). */
export async function inboxOrganisations(ctx: UnitContext & { kind: "admin" | "system" }): Promise<{ id: string; name: string }[]> {
  return withContext(ctx, (tx) =>
    tx.organisation.findMany({
      where: { active: true, kind: { not: "platform_operator" } },
      orderBy: { name: "asc" },
      select: { id: true, name: true },
    }),
  );
}

export async function listInboxes(ctx: UnitContext & { kind: "admin" | "system" }): Promise<InboxConfig[]> {
  return withContextClient(ctx, async (c) => (await c.query<Row>(`${SELECT} ORDER BY o.name`)).rows.map(strip));
}

export async function loadInboxForPolling(inboxId: string): Promise<InboxWithCredential | null> {
  return withContextClient({ kind: "system", purpose: "sftp-poll" }, async (c) => {
    const row = (await c.query<Row>(`${SELECT} WHERE i.id = $1`, [inboxId])).rows[0];
    if (!row) return null;
    return { ...strip(row), credential: decryptCredential(row.credential_encrypted) };
  });
}

const hostPattern = /^[A-Za-z0-9.-]{1,253}$|^\[?[0-9A-Fa-f:]+\]?$/;

/** What an administrator enters. The credential may be left empty on edit to keep the stored one. */
export const inboxFormSchema = z
  .object({
    orgId: z.uuid({ error: "Choose the organisation" }),
    host: z.string().trim().regex(hostPattern, { error: "Enter a host name or IP address, like sftp.example.org" }),
    port: z.coerce
      .number({ error: "Enter the port as a number" })
      .int({ error: "Enter the port as a whole number, like 22" })
      .min(1, { error: "Enter a port from 1 to 65535" })
      .max(65535, { error: "Enter a port from 1 to 65535" }),
    username: z
      .string({ error: "Enter the user name" })
      .trim()
      .min(1, { error: "Enter the user name" })
      .max(100, { error: "The user name must be 100 characters or fewer" }),
    authMethod: z.enum(["private_key", "password"], { error: "Choose how the platform signs in" }),
    credential: z.string().max(20_000, { error: "The key or password is too long: paste only the private key" }).optional().default(""),
    hostKeyFingerprint: z.string().transform((v, ctx) => {
      const n = normaliseFingerprint(v);
      if (!n) {
        ctx.addIssue({
          code: "custom",
          message: "Enter the host key fingerprint as ssh-keygen -l prints it, like SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
        });
        return z.NEVER;
      }
      return n;
    }),
    directory: z
      .string()
      .trim()
      .min(1, { error: "Enter the inbox directory on the server, like /upload" })
      .max(500, { error: "The directory must be 500 characters or fewer" })
      .refine((d) => !d.split("/").includes(".."), { error: "The directory must not contain .." }),
    enabled: z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean()),
    pollIntervalMinutes: z.coerce
      .number({ error: "Enter the interval in minutes" })
      .int({ error: "Enter the interval as a whole number of minutes" })
      .min(1, { error: "Poll at most once a minute" })
      .max(1440, { error: "Poll at least once a day" }),
  })
  .superRefine((v, ctx) => {
    if (v.authMethod === "private_key" && v.credential && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(v.credential)) {
      ctx.addIssue({ code: "custom", path: ["credential"], message: "Paste the whole private key, from -----BEGIN to END-----" });
    }
  });
export type InboxForm = z.infer<typeof inboxFormSchema>;

/** Creates or updates the organisation's inbox (one per organisation); audited in the same transaction. */
export async function saveInbox(
  ctx: UnitContext & { kind: "admin" | "system" },
  actor: { userId?: string; label: string; role?: string },
  form: InboxForm,
): Promise<{ ok: true; id: string } | { ok: false; field: string; message: string }> {
  return withContextClient(ctx, async (c) => {
    const existing = (await c.query<{ id: string }>(`SELECT id FROM sftp_inbox WHERE org_id = $1`, [form.orgId])).rows[0];
    if (!existing && !form.credential)
      return { ok: false, field: "credential", message: "Enter the private key or password the platform signs in with" };
    const encrypted = form.credential ? encryptCredential(form.credential) : null;
    const res = await c.query<{ id: string }>(
      `INSERT INTO sftp_inbox (org_id, host, port, username, auth_method, credential_encrypted, host_key_fingerprint, directory, enabled, poll_interval_minutes)
       VALUES ($1, $2, $3, $4, $5, coalesce($6, ''), $7, $8, $9, $10)
       ON CONFLICT (org_id) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, username = EXCLUDED.username,
         auth_method = EXCLUDED.auth_method, credential_encrypted = coalesce($6, sftp_inbox.credential_encrypted),
         host_key_fingerprint = EXCLUDED.host_key_fingerprint, directory = EXCLUDED.directory, enabled = EXCLUDED.enabled,
         poll_interval_minutes = EXCLUDED.poll_interval_minutes, updated_at = now()
       RETURNING id`,
      [
        form.orgId,
        form.host,
        form.port,
        form.username,
        form.authMethod,
        encrypted,
        form.hostKeyFingerprint,
        form.directory,
        form.enabled,
        form.pollIntervalMinutes,
      ],
    );
    const id = res.rows[0]!.id;
    await recordAudit(c, {
      action: existing ? "sftp.inbox_updated" : "sftp.inbox_created",
      outcome: "success",
      actor,
      orgId: form.orgId,
      target: { type: "sftp_inbox", id },
      details: { host: form.host, port: form.port, directory: form.directory, enabled: form.enabled, credentialChanged: Boolean(form.credential) },
    });
    return { ok: true, id };
  });
}
