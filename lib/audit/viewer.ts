import "server-only";
import { z } from "zod";
import "@/lib/validation/plain-errors";
import type pg from "pg";
import { recordAuditNow } from "@/lib/audit/record";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import type { Role } from "@/lib/generated/prisma/enums";

// The audit viewer (issue 13 §4, decision 110): administrators and data-protection officers read
// the trail, filter it, page through it newest first and export what they filtered. What a DPO
// sees is decided by the database (audit_event_read, the 'dpo' context), never here.

export interface AuditReader {
  userId: string;
  email: string;
  role: Role;
  orgId: string;
}

export class AuditAccessError extends Error {
  name = "AuditAccessError";
  constructor() {
    super("Only data-protection officers and administrators read the audit trail.");
  }
}

export class AuditFilterError extends Error {
  name = "AuditFilterError";
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join("; "));
  }
}

/** The reader's database context: admins read all; a DPO reads through the 'dpo' policy. */
export function readerContext(actor: AuditReader): UnitContext {
  if (actor.role === "administrator") return { kind: "admin", userId: actor.userId };
  if (actor.role === "dpo") return { kind: "dpo", orgId: actor.orgId, userId: actor.userId };
  throw new AuditAccessError();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const blank = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);

const filtersSchema = z
  .object({
    from: z.preprocess(blank, z.string().regex(DAY, { error: "Enter the first day as a date, for example 2026-11-30" }).optional()),
    to: z.preprocess(blank, z.string().regex(DAY, { error: "Enter the last day as a date, for example 2026-11-30" }).optional()),
    actor: z.preprocess(blank, z.string().max(320, { error: "Enter an e-mail address or system name of 320 characters or fewer" }).optional()),
    org: z.preprocess(blank, z.string().regex(UUID, { error: "Choose an organisation from the list" }).optional()),
    action: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[a-z0-9_.-]{1,100}$/, { error: "Choose an event type from the list" })
        .optional(),
    ),
    batch: z.preprocess(
      blank,
      z.string().regex(UUID, { error: "Enter the batch's identifier as shown on its upload page (36 characters)" }).optional(),
    ),
  })
  .refine((f) => !f.from || !f.to || !DAY.test(f.from) || !DAY.test(f.to) || f.from <= f.to, {
    error: "The last day must be the same as or after the first day",
    path: ["to"],
  });

export type AuditFilters = z.infer<typeof filtersSchema>;

function validDay(d: string): boolean {
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

/** Reads the filters from a query string; a bad value is an {@link AuditFilterError} naming its field. */
export function parseAuditFilters(params: Record<string, string | string[] | undefined> | URLSearchParams): AuditFilters {
  const get = (k: string) => {
    const v = params instanceof URLSearchParams ? params.get(k) : params[k];
    return (Array.isArray(v) ? v[0] : v) ?? undefined;
  };
  const raw = Object.fromEntries(["from", "to", "actor", "org", "action", "batch"].map((k) => [k, get(k)]));
  const r = filtersSchema.safeParse(raw);
  if (!r.success) throw new AuditFilterError(Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message])));
  const bad: Record<string, string> = {};
  if (r.data.from && !validDay(r.data.from)) bad.from = "The first day is not a real date";
  if (r.data.to && !validDay(r.data.to)) bad.to = "The last day is not a real date";
  if (Object.keys(bad).length) throw new AuditFilterError(bad);
  return r.data;
}

/** The filters as a query string (for links: next page, export). */
export function filtersQuery(f: AuditFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) q.set(k, v);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export interface AuditRow {
  id: string;
  /** ISO 8601 with microseconds (UTC). */
  at: string;
  actor: string;
  role: string | null;
  orgId: string | null;
  organisation: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: string | null;
}

interface Cursor {
  at: string;
  id: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.at}|${c.id}`, "utf8").toString("base64url");
}

function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  const [at, id] = Buffer.from(s, "base64url").toString("utf8").split("|");
  if (!at || !id || !/^\d+$/.test(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at))
    throw new AuditFilterError({ cursor: "The page link is not valid: start again from the newest events" });
  return { at, id };
}

/**
 * The filters as SQL conditions. Each filter leads one of audit_event's (column, at) indexes, and
 * every query orders by (at, id) descending with a row comparison for the cursor, so a page is an
 * index range scan however many millions of events there are.
 */
function whereClause(f: AuditFilters, cursor: Cursor | null): { sql: string; params: unknown[] } {
  const conds: string[] = [];
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // Days are calendar days in London (the partners' days), inclusive at both ends.
  if (f.from) conds.push(`e.at >= (${p(f.from)}::date)::timestamp AT TIME ZONE 'Europe/London'`);
  if (f.to) conds.push(`e.at < ((${p(f.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/London')`);
  if (f.actor)
    conds.push(
      UUID.test(f.actor)
        ? `e.actor_user_id = ${p(f.actor)}::uuid`
        : `e.actor_label = ${p(f.actor.includes("@") && !f.actor.includes(":") ? f.actor.toLowerCase() : f.actor)}`,
    );
  if (f.org) conds.push(`e.org_id = ${p(f.org)}::uuid`);
  if (f.action) conds.push(`e.action = ${p(f.action)}`);
  if (f.batch) conds.push(`e.target_id = ${p(f.batch.toLowerCase())} AND e.target_type = 'upload_batch'`);
  if (cursor) conds.push(`(e.at, e.id) < (${p(cursor.at)}::timestamptz, ${p(cursor.id)}::bigint)`);
  return { sql: conds.length ? `WHERE ${conds.join(" AND ")}` : "", params };
}

const SELECT = `SELECT e.id::text AS id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, e.actor_label, e.role, e.org_id,
  o.name AS organisation, e.action, e.target_type, e.target_id, e.outcome, e.details::text AS details
  FROM audit_event e LEFT JOIN organisation o ON o.id = e.org_id`;

interface DbRow {
  id: string;
  at: string;
  actor_label: string;
  role: string | null;
  org_id: string | null;
  organisation: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  details: string | null;
}

function toRow(r: DbRow): AuditRow {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor_label,
    role: r.role,
    orgId: r.org_id,
    organisation: r.organisation,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    outcome: r.outcome,
    details: r.details,
  };
}

async function page(c: pg.ClientBase, f: AuditFilters, cursor: Cursor | null, limit: number): Promise<{ rows: AuditRow[]; next: Cursor | null }> {
  const w = whereClause(f, cursor);
  const { rows } = await c.query<DbRow>(`${SELECT} ${w.sql} ORDER BY e.at DESC, e.id DESC LIMIT ${limit + 1}`, w.params);
  const more = rows.length > limit;
  const shown = rows.slice(0, limit).map(toRow);
  const last = shown[shown.length - 1];
  return { rows: shown, next: more && last ? { at: last.at, id: last.id } : null };
}

export const AUDIT_PAGE_SIZE = 50;

/** One page of events, newest first; `next` is the cursor of the following (older) page. */
export async function listAuditEvents(
  actor: AuditReader,
  input: { filters: AuditFilters; cursor?: string; limit?: number },
): Promise<{ events: AuditRow[]; next: string | null }> {
  const ctx = readerContext(actor);
  const cursor = decodeCursor(input.cursor);
  const limit = Math.min(Math.max(input.limit ?? AUDIT_PAGE_SIZE, 1), 500);
  const out = await withContextClient(ctx, (c) => page(c, input.filters, cursor, limit));
  return { events: out.rows, next: out.next ? encodeCursor(out.next) : null };
}

export const AUDIT_CSV_HEADER = [
  "id",
  "at_utc",
  "actor",
  "role",
  "organisation",
  "organisation_id",
  "event",
  "target_type",
  "target_id",
  "outcome",
  "details",
] as const;

/**
 * Every event the filters select, newest first, as CSV rows pulled in pages of 1,000 (one short
 * transaction each): an export of millions of events streams without holding them or a
 * transaction open. Events appended meanwhile are newer than the first page, so none is missed
 * or repeated. The export itself is recorded before the first row is produced.
 */
export async function exportAuditEvents(actor: AuditReader, filters: AuditFilters): Promise<AsyncGenerator<(string | null)[]>> {
  const ctx = readerContext(actor);
  await recordAuditNow({
    action: "audit.exported",
    outcome: "success",
    actor: { userId: actor.userId, label: actor.email, role: actor.role },
    orgId: actor.orgId,
    details: {
      from: filters.from ?? null,
      to: filters.to ?? null,
      actor: filters.actor ?? null,
      org: filters.org ?? null,
      event: filters.action ?? null,
      batch: filters.batch ?? null,
    },
  });
  async function* rows(): AsyncGenerator<(string | null)[]> {
    let cursor: Cursor | null = null;
    for (;;) {
      const out = await withContextClient(ctx, (c) => page(c, filters, cursor, 1_000));
      for (const r of out.rows)
        yield [r.id, r.at, r.actor, r.role, r.organisation, r.orgId, r.action, r.targetType, r.targetId, r.outcome, r.details];
      if (!out.next) return;
      cursor = out.next;
    }
  }
  return rows();
}

/** What the filter form offers: the organisations and the event types (a skip scan over the action index). */
export async function auditFilterOptions(actor: AuditReader): Promise<{ organisations: { id: string; name: string }[]; actions: string[] }> {
  const ctx = readerContext(actor);
  return withContextClient(ctx, async (c) => {
    const organisations = (await c.query<{ id: string; name: string }>(`SELECT id, name FROM organisation ORDER BY name`)).rows;
    // DISTINCT over millions of rows would read them all; walking the (action, at) index from one
    // action to the next reads one entry per action.
    const actions = (
      await c.query<{ action: string }>(
        `WITH RECURSIVE a(action) AS (
           (SELECT action FROM audit_event ORDER BY action LIMIT 1)
           UNION ALL
           SELECT (SELECT e.action FROM audit_event e WHERE e.action > a.action ORDER BY e.action LIMIT 1) FROM a WHERE a.action IS NOT NULL
         ) SELECT action FROM a WHERE action IS NOT NULL`,
      )
    ).rows.map((r) => r.action);
    return { organisations, actions };
  });
}
