import "server-only";
import type pg from "pg";
import { z } from "zod";
import "@/lib/validation/plain-errors";
import { recordAudit } from "@/lib/audit/record";
import { publicUrl } from "@/lib/auth/config";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import type { Role } from "@/lib/generated/prisma/enums";
import { nudgeMailDelivery, queueMail } from "@/lib/mail";

// The breach register (issue 13 §3, decision 112). Any administrator or partner analyst records a
// breach; every party of its agreement is e-mailed in the same transaction (the Troubled Families
// agreement, 13.1: reported to all parties within 24 hours); administrators take it through
// open → investigating → reported (ICO reference) or not reportable (reason) → closed (lessons
// learned), with an owner, notes and a timeline; 20 hours after discovery without a report or a
// decision, every administrator is e-mailed (escalateOverdueIncidents, a pg-boss job).

export interface IncidentActor {
  userId: string;
  email: string;
  role: Role;
  orgId: string;
}

export class IncidentInputError extends Error {
  name = "IncidentInputError";
  constructor(readonly fields: Record<string, string>) {
    super(Object.values(fields).join("; "));
  }
}

export class IncidentAccessError extends Error {
  name = "IncidentAccessError";
}

export const INCIDENT_KINDS = {
  identifier: "A file that was not pseudonymised reached the platform",
  "lost-device": "Lost or stolen device (laptop, phone, memory stick)",
  "unapproved-output": "Output published or shared without approval",
  "wrong-recipient": "Data sent to the wrong recipient",
  "unauthorised-access": "Unauthorised access to data",
  other: "Something else",
} as const;
export type IncidentKind = keyof typeof INCIDENT_KINDS;
export const REPORTABLE_KINDS = [
  "lost-device",
  "unapproved-output",
  "wrong-recipient",
  "unauthorised-access",
  "other",
] as const satisfies readonly IncidentKind[];

export const INCIDENT_STATUSES = {
  open: "Open",
  investigating: "Investigating",
  reported: "Reported to the ICO",
  not_reportable: "Not reportable",
  closed: "Closed",
} as const;
export type IncidentStatus = keyof typeof INCIDENT_STATUSES;

/** Which status may follow which: a decision on reporting comes before closing. */
const NEXT: Record<IncidentStatus, IncidentStatus[]> = {
  open: ["investigating", "reported", "not_reportable"],
  investigating: ["reported", "not_reportable"],
  reported: ["closed"],
  not_reportable: ["closed"],
  closed: [],
};

export function nextStatuses(s: IncidentStatus): IncidentStatus[] {
  return NEXT[s];
}

/** Parties are told at once; administrators are alerted when this much time passes unreported. */
export const ESCALATE_AFTER_HOURS = 20;
export const REPORT_WITHIN_HOURS = 24;

function mayReport(actor: IncidentActor): void {
  if (actor.role !== "administrator" && actor.role !== "partner_analyst")
    throw new IncidentAccessError("Only administrators and partner analysts record breaches.");
}

function asAdmin(actor: IncidentActor): void {
  if (actor.role !== "administrator") throw new IncidentAccessError("Only administrators manage an incident's progress.");
}

function contextOf(actor: IncidentActor): UnitContext {
  return actor.role === "administrator" ? { kind: "admin", userId: actor.userId } : { kind: "org", orgId: actor.orgId, userId: actor.userId };
}

const auditActor = (a: IncidentActor) => ({ userId: a.userId, label: a.email, role: a.role });

function fieldErrors(e: z.ZodError): IncidentInputError {
  return new IncidentInputError(Object.fromEntries(e.issues.map((i) => [String(i.path[0]), i.message])));
}

const UUID = z.uuid({ error: "Choose from the list" });

const reportSchema = z.object({
  agreementId: z.uuid({ error: "Choose the agreement the data was shared under" }),
  orgId: z.uuid({ error: "Choose the organisation where it happened" }).optional(),
  // The upload guard opens "identifier" incidents itself; people report the others.
  kind: z.enum(REPORTABLE_KINDS, { error: "Choose what happened" }),
  title: z.string().trim().min(1, { error: "Give the incident a short title" }).max(200, { error: "Keep the title to 200 characters or fewer" }),
  description: z
    .string()
    .trim()
    .min(1, { error: "Describe what happened, what data was involved and what has been done so far" })
    .max(5000, { error: "Keep the description to 5,000 characters or fewer" }),
  discoveredAt: z.string().trim().min(1, { error: "Enter when the incident was discovered" }),
});

/** `YYYY-MM-DDTHH:MM` from a datetime-local field, in UK time. */
export function parseUkDateTime(v: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(v);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The London offset on that day (0 or +1 hour), found by formatting the UTC guess in London.
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", hourCycle: "h23" }).format(new Date(asUtc));
  const offsetHours = (Number(parts) - h + 24) % 24;
  const t = new Date(asUtc - offsetHours * 3_600_000);
  return Number.isNaN(t.getTime()) || new Date(asUtc).getUTCDate() !== d ? null : t;
}

interface Party {
  orgId: string;
  name: string;
  email: string | null;
}

/** Every party of an agreement (its owner, partners and suppliers) and its data-protection contact. */
async function partiesOf(c: pg.ClientBase, agreementId: string): Promise<Party[]> {
  const { rows } = await c.query<{ id: string; name: string; dp_contact_email: string | null }>(
    `SELECT o.id, o.name, o.dp_contact_email FROM organisation o
     WHERE o.id IN (SELECT owner_org_id FROM agreement WHERE id = $1
                    UNION SELECT org_id FROM agreement_partner WHERE agreement_id = $1
                    UNION SELECT supplier_org_id FROM agreement_dataset WHERE agreement_id = $1)
     ORDER BY o.name`,
    [agreementId],
  );
  return rows.map((r) => ({ orgId: r.id, name: r.name, email: r.dp_contact_email }));
}

const reference = (n: string | number) => `INC-${String(n).padStart(5, "0")}`;

const ukTime = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/London" });

async function addEvent(
  c: pg.ClientBase,
  e: { incidentId: string; orgId: string; actor: { userId?: string | null; label: string }; kind: string; text: string },
): Promise<void> {
  await c.query(`INSERT INTO incident_event (incident_id, org_id, actor_user_id, actor_label, kind, text) VALUES ($1, $2, $3, $4, $5, $6)`, [
    e.incidentId,
    e.orgId,
    e.actor.userId ?? null,
    e.actor.label,
    e.kind,
    e.text,
  ]);
}

export interface NewIncident {
  orgId: string;
  agreementId: string;
  kind: IncidentKind;
  title: string;
  description: string;
  discoveredAt: Date;
  recordedBy: { userId?: string | null; label: string; role?: string | null };
  ingestIncidentId?: string;
  requestId?: string;
  /** Organisations already told in a message of their own (the uploader's contact, for identifier incidents). */
  alreadyNotified?: string[];
}

/**
 * Opens an incident in the caller's transaction (contexts admin, system, or the incident's own
 * organisation) and queues one e-mail per party of the agreement to its data-protection contact:
 * the incident and its notices commit together or not at all. Used by {@link reportBreach} and by
 * the upload guard (lib/ingest/incident.ts).
 */
export async function openIncident(c: pg.PoolClient, n: NewIncident): Promise<{ incidentId: string; number: number; notified: number }> {
  const agreement = (await c.query<{ name: string }>(`SELECT name FROM agreement WHERE id = $1`, [n.agreementId])).rows[0];
  if (!agreement) throw new IncidentInputError({ agreementId: "Choose the agreement the data was shared under" });
  const parties = await partiesOf(c, n.agreementId);
  const org = parties.find((p) => p.orgId === n.orgId) ?? {
    orgId: n.orgId,
    name: (await c.query<{ name: string }>(`SELECT name FROM organisation WHERE id = $1`, [n.orgId])).rows[0]?.name ?? "A partner",
    email: null,
  };
  const ctx = (await c.query<{ ctx: string | null }>(`SELECT app_ctx() AS ctx`)).rows[0]?.ctx;
  const { rows } = await c.query<{ id: string; number: string }>(
    `INSERT INTO incident (org_id, agreement_id, kind, title, description, discovered_at, recorded_by_id, ingest_incident_id, parties_notified_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now()) RETURNING id, number::text`,
    [n.orgId, n.agreementId, n.kind, n.title, n.description, n.discoveredAt, n.recordedBy.userId ?? null, n.ingestIncidentId ?? null],
  );
  const { id, number } = rows[0]!;
  const label = reference(number);
  await addEvent(c, {
    incidentId: id,
    orgId: n.orgId,
    actor: n.recordedBy,
    kind: "recorded",
    text: `Recorded: ${INCIDENT_KINDS[n.kind]}. Discovered ${ukTime(n.discoveredAt)}.`,
  });
  const link = `${publicUrl()}/incidents/${id}`;
  const deadline = new Date(n.discoveredAt.getTime() + REPORT_WITHIN_HOURS * 3_600_000);
  const told = new Set(n.alreadyNotified ?? []);
  const recipients = parties.filter((p) => p.email && !told.has(p.orgId));
  // One message per party. An organisation's own context may only queue mail under its own id.
  for (const p of recipients) {
    await queueMail(c, {
      to: p.email!,
      orgId: ctx === "org" ? n.orgId : p.orgId,
      kind: "incident.recorded",
      subject: `Data-protection incident ${label} under "${agreement.name}"`,
      text: [
        `A data-protection incident has been recorded ${n.kind === "identifier" ? "about" : "by"} ${org.name} under the data-sharing agreement "${agreement.name}", to which ${p.name} is a party.`,
        "",
        `What happened: ${INCIDENT_KINDS[n.kind]}`,
        `Title: ${n.title}`,
        `Discovered: ${ukTime(n.discoveredAt)} (UK time)`,
        `The agreement requires it to be reported to all parties within ${REPORT_WITHIN_HOURS} hours, by ${ukTime(deadline)}: this is that notice.`,
        "",
        n.description,
        "",
        `Follow it in the portal: ${link}`,
      ].join("\n"),
    });
  }
  const named = [...told].map((o) => parties.find((p) => p.orgId === o)?.name).filter(Boolean);
  await addEvent(c, {
    incidentId: id,
    orgId: n.orgId,
    actor: { label: "system:incidents" },
    kind: "notified",
    text:
      recipients.length || named.length
        ? `E-mailed the data-protection contact of every party: ${[...named, ...recipients.map((p) => p.name)].join(", ")}.`
        : "No party of the agreement has a data-protection contact address: nobody could be e-mailed.",
  });
  await recordAudit(c, {
    action: "incident.recorded",
    outcome: "success",
    actor: n.recordedBy,
    orgId: n.orgId,
    target: { type: "incident", id },
    requestId: n.requestId,
    details: { kind: n.kind, agreementId: n.agreementId, partiesNotified: recipients.length + named.length },
  });
  return { incidentId: id, number: Number(number), notified: recipients.length + named.length };
}

/**
 * Records a breach reported by a person and e-mails every party of its agreement in the same
 * transaction. A partner analyst records it for their own organisation, under an agreement it is
 * party to; an administrator for any organisation party to the agreement.
 */
export async function reportBreach(
  actor: IncidentActor,
  input: unknown,
  now = new Date(),
): Promise<{ incidentId: string; number: number; notified: number }> {
  mayReport(actor);
  const r = reportSchema.safeParse(input);
  if (!r.success) throw fieldErrors(r.error);
  const data = r.data;
  const discoveredAt = parseUkDateTime(data.discoveredAt);
  if (!discoveredAt) throw new IncidentInputError({ discoveredAt: "Enter the date and time it was discovered, for example 2026-11-30 09:15" });
  if (discoveredAt.getTime() > now.getTime() + 5 * 60_000)
    throw new IncidentInputError({ discoveredAt: "The time of discovery cannot be in the future" });
  const orgId = actor.role === "administrator" ? (data.orgId ?? actor.orgId) : actor.orgId;
  const out = await withContextClient(contextOf(actor), async (c) => {
    const agreement = (await c.query<{ name: string }>(`SELECT name FROM agreement WHERE id = $1`, [data.agreementId])).rows[0];
    if (!agreement) throw new IncidentInputError({ agreementId: "Choose the agreement the data was shared under" });
    const isParty = (await partiesOf(c, data.agreementId)).some((p) => p.orgId === orgId);
    // The platform operator (an administrator's own organisation) serves every agreement.
    const platform = actor.role === "administrator" && orgId === actor.orgId;
    if (!isParty && !platform) {
      throw new IncidentInputError(
        actor.role === "administrator"
          ? { orgId: "The organisation is not a party to that agreement" }
          : { agreementId: "Your organisation is not a party to that agreement" },
      );
    }
    return openIncident(c, {
      orgId,
      agreementId: data.agreementId,
      kind: data.kind,
      title: data.title,
      description: data.description,
      discoveredAt,
      recordedBy: auditActor(actor),
    });
  });
  nudgeMailDelivery();
  return out;
}

export interface IncidentSummary {
  id: string;
  reference: string;
  orgName: string;
  agreementName: string;
  kind: IncidentKind;
  title: string;
  status: IncidentStatus;
  discoveredAt: Date;
  recordedAt: Date;
  ownerName: string | null;
  escalatedAt: Date | null;
  icoReportedAt: Date | null;
}

export interface IncidentDetail extends IncidentSummary {
  orgId: string;
  agreementId: string;
  description: string;
  ownerId: string | null;
  icoReference: string | null;
  notReportableReason: string | null;
  lessonsLearned: string | null;
  closedAt: Date | null;
  partiesNotifiedAt: Date | null;
  timeline: { at: Date; actor: string; kind: string; text: string }[];
}

const SUMMARY_SQL = `SELECT i.id, i.number::text AS number, o.name AS org_name, a.name AS agreement_name, i.kind, i.title, i.status, i.discovered_at, i.recorded_at,
  u.display_name AS owner_name, i.escalated_at, i.ico_reported_at, i.org_id, i.agreement_id, i.description, i.owner_id, i.ico_reference,
  i.not_reportable_reason, i.lessons_learned, i.closed_at, i.parties_notified_at
  FROM incident i JOIN organisation o ON o.id = i.org_id JOIN agreement a ON a.id = i.agreement_id LEFT JOIN app_user u ON u.id = i.owner_id`;

interface Row {
  id: string;
  number: string;
  org_name: string;
  agreement_name: string;
  kind: IncidentKind;
  title: string;
  status: IncidentStatus;
  discovered_at: Date;
  recorded_at: Date;
  owner_name: string | null;
  escalated_at: Date | null;
  ico_reported_at: Date | null;
  org_id: string;
  agreement_id: string;
  description: string;
  owner_id: string | null;
  ico_reference: string | null;
  not_reportable_reason: string | null;
  lessons_learned: string | null;
  closed_at: Date | null;
  parties_notified_at: Date | null;
}

const summary = (r: Row): IncidentSummary => ({
  id: r.id,
  reference: reference(r.number),
  orgName: r.org_name,
  agreementName: r.agreement_name,
  kind: r.kind,
  title: r.title,
  status: r.status,
  discoveredAt: r.discovered_at,
  recordedAt: r.recorded_at,
  ownerName: r.owner_name,
  escalatedAt: r.escalated_at,
  icoReportedAt: r.ico_reported_at,
});

/** The register as the actor may see it: administrators every incident, a partner analyst their organisation's. */
export async function listIncidentRegister(actor: IncidentActor): Promise<IncidentSummary[]> {
  mayReport(actor);
  return withContextClient(contextOf(actor), async (c) =>
    (await c.query<Row>(`${SUMMARY_SQL} ORDER BY i.recorded_at DESC LIMIT 500`)).rows.map(summary),
  );
}

export async function getIncident(actor: IncidentActor, id: string): Promise<IncidentDetail | null> {
  mayReport(actor);
  if (!UUID.safeParse(id).success) return null;
  return withContextClient(contextOf(actor), async (c) => {
    const r = (await c.query<Row>(`${SUMMARY_SQL} WHERE i.id = $1`, [id])).rows[0];
    if (!r) return null;
    const events = await c.query<{ at: Date; actor_label: string; kind: string; text: string }>(
      `SELECT at, actor_label, kind, text FROM incident_event WHERE incident_id = $1 ORDER BY at, id`,
      [id],
    );
    return {
      ...summary(r),
      orgId: r.org_id,
      agreementId: r.agreement_id,
      description: r.description,
      ownerId: r.owner_id,
      icoReference: r.ico_reference,
      notReportableReason: r.not_reportable_reason,
      lessonsLearned: r.lessons_learned,
      closedAt: r.closed_at,
      partiesNotifiedAt: r.parties_notified_at,
      timeline: events.rows.map((e) => ({ at: e.at, actor: e.actor_label, kind: e.kind, text: e.text })),
    };
  });
}

/** The 24-hour clock: time since discovery, and whether the report is still owed. */
export function incidentClock(
  i: Pick<IncidentSummary, "discoveredAt" | "status">,
  now = new Date(),
): { hours: number; minutes: number; overdue: boolean; warn: boolean; settled: boolean } {
  const ms = Math.max(0, now.getTime() - i.discoveredAt.getTime());
  const settled = i.status === "reported" || i.status === "not_reportable" || i.status === "closed";
  const hours = Math.floor(ms / 3_600_000);
  return {
    hours,
    minutes: Math.floor((ms % 3_600_000) / 60_000),
    overdue: !settled && ms >= REPORT_WITHIN_HOURS * 3_600_000,
    warn: !settled && ms >= ESCALATE_AFTER_HOURS * 3_600_000,
    settled,
  };
}

const statusSchema = z.object({
  to: z.enum(Object.keys(INCIDENT_STATUSES) as [IncidentStatus, ...IncidentStatus[]], { error: "Choose the new status" }),
  icoReference: z.string().trim().max(100, { error: "Keep the ICO reference to 100 characters or fewer" }).optional(),
  reason: z.string().trim().max(5000, { error: "Keep the reason to 5,000 characters or fewer" }).optional(),
  lessons: z.string().trim().max(5000, { error: "Keep the lessons learned to 5,000 characters or fewer" }).optional(),
});

/** Moves an incident on its lifecycle (administrators), recording what each step requires. */
export async function changeIncidentStatus(actor: IncidentActor, id: string, input: unknown): Promise<void> {
  asAdmin(actor);
  const r = statusSchema.safeParse(input);
  if (!r.success) throw fieldErrors(r.error);
  const { to, icoReference, reason, lessons } = r.data;
  if (to === "reported" && !icoReference) throw new IncidentInputError({ icoReference: "Enter the reference the ICO gave the report" });
  if (to === "not_reportable" && !reason) throw new IncidentInputError({ reason: "Say why the incident does not need to be reported to the ICO" });
  if (to === "closed" && !lessons) throw new IncidentInputError({ lessons: "Record the lessons learned before closing the incident" });
  await withContextClient(contextOf(actor), async (c) => {
    const cur = (await c.query<{ status: IncidentStatus; org_id: string }>(`SELECT status, org_id FROM incident WHERE id = $1 FOR UPDATE`, [id]))
      .rows[0];
    if (!cur) throw new IncidentInputError({ to: "There is no such incident" });
    if (!NEXT[cur.status].includes(to)) {
      throw new IncidentInputError({
        to: `An incident that is ${INCIDENT_STATUSES[cur.status].toLowerCase()} cannot become ${INCIDENT_STATUSES[to].toLowerCase()}`,
      });
    }
    await c.query(
      `UPDATE incident SET status = $2,
         ico_reference = CASE WHEN $2 = 'reported' THEN $3 ELSE ico_reference END,
         ico_reported_at = CASE WHEN $2 = 'reported' THEN now() ELSE ico_reported_at END,
         not_reportable_reason = CASE WHEN $2 = 'not_reportable' THEN $4 ELSE not_reportable_reason END,
         lessons_learned = CASE WHEN $2 = 'closed' THEN $5 ELSE lessons_learned END,
         closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE closed_at END
       WHERE id = $1`,
      [id, to, icoReference ?? null, reason ?? null, lessons ?? null],
    );
    const text =
      to === "reported"
        ? `Reported to the ICO, reference ${icoReference}.`
        : to === "not_reportable"
          ? `Decided not reportable to the ICO: ${reason}`
          : to === "closed"
            ? `Closed. Lessons learned: ${lessons}`
            : `Status: ${INCIDENT_STATUSES[to]}.`;
    await addEvent(c, { incidentId: id, orgId: cur.org_id, actor: { userId: actor.userId, label: actor.email }, kind: "status", text });
    await recordAudit(c, {
      action: "incident.status_changed",
      outcome: "success",
      actor: auditActor(actor),
      orgId: cur.org_id,
      target: { type: "incident", id },
      details: { from: cur.status, to },
    });
  });
}

/** Gives the incident an owner: an active administrator. */
export async function assignIncidentOwner(actor: IncidentActor, id: string, ownerId: string): Promise<void> {
  asAdmin(actor);
  if (!UUID.safeParse(ownerId).success) throw new IncidentInputError({ ownerId: "Choose the administrator who owns the incident" });
  await withContextClient(contextOf(actor), async (c) => {
    const owner = (
      await c.query<{ display_name: string }>(`SELECT display_name FROM app_user WHERE id = $1 AND role = 'administrator' AND active`, [ownerId])
    ).rows[0];
    if (!owner) throw new IncidentInputError({ ownerId: "Choose the administrator who owns the incident" });
    const cur = (await c.query<{ org_id: string }>(`UPDATE incident SET owner_id = $2 WHERE id = $1 RETURNING org_id`, [id, ownerId])).rows[0];
    if (!cur) throw new IncidentInputError({ ownerId: "There is no such incident" });
    await addEvent(c, {
      incidentId: id,
      orgId: cur.org_id,
      actor: { userId: actor.userId, label: actor.email },
      kind: "owner",
      text: `Owner: ${owner.display_name}.`,
    });
    await recordAudit(c, {
      action: "incident.owner_assigned",
      outcome: "success",
      actor: auditActor(actor),
      orgId: cur.org_id,
      target: { type: "incident", id },
    });
  });
}

/** Adds a note to the timeline: administrators, and analysts of the incident's organisation. */
export async function addIncidentNote(actor: IncidentActor, id: string, text: unknown): Promise<void> {
  mayReport(actor);
  const r = z.string().trim().min(1, { error: "Write the note" }).max(5000, { error: "Keep the note to 5,000 characters or fewer" }).safeParse(text);
  if (!r.success) throw new IncidentInputError({ note: r.error.issues[0]!.message });
  await withContextClient(contextOf(actor), async (c) => {
    const cur = (await c.query<{ org_id: string }>(`SELECT org_id FROM incident WHERE id = $1`, [id])).rows[0];
    if (!cur) throw new IncidentInputError({ note: "There is no such incident" });
    await addEvent(c, { incidentId: id, orgId: cur.org_id, actor: { userId: actor.userId, label: actor.email }, kind: "note", text: r.data });
    await recordAudit(c, {
      action: "incident.note_added",
      outcome: "success",
      actor: auditActor(actor),
      orgId: cur.org_id,
      target: { type: "incident", id },
    });
  });
}

/**
 * The escalation sweep (a pg-boss job): every incident discovered 20 hours ago or more that is still
 * open or under investigation, and not escalated yet, is e-mailed to every active administrator,
 * once. Returns the incidents escalated.
 */
export async function escalateOverdueIncidents(now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - ESCALATE_AFTER_HOURS * 3_600_000);
  const escalated = await withContextClient({ kind: "system", purpose: "incident-escalation" }, async (c) => {
    const due = (
      await c.query<Row>(
        `${SUMMARY_SQL} WHERE i.escalated_at IS NULL AND i.status IN ('open', 'investigating') AND i.discovered_at <= $1 ORDER BY i.discovered_at FOR UPDATE OF i SKIP LOCKED`,
        [cutoff],
      )
    ).rows;
    if (due.length === 0) return [];
    const admins = (await c.query<{ email: string }>(`SELECT email FROM app_user WHERE role = 'administrator' AND active ORDER BY email`)).rows;
    for (const r of due) {
      const ref = reference(r.number);
      const deadline = new Date(r.discovered_at.getTime() + REPORT_WITHIN_HOURS * 3_600_000);
      await c.query(`UPDATE incident SET escalated_at = $2 WHERE id = $1`, [r.id, now]);
      for (const a of admins) {
        await queueMail(c, {
          to: a.email,
          orgId: r.org_id,
          kind: "incident.escalated",
          subject: `Overdue: incident ${ref} not reported ${ESCALATE_AFTER_HOURS} hours after discovery`,
          text: [
            `Incident ${ref} ("${r.title}", ${r.org_name}, under "${r.agreement_name}") was discovered ${ukTime(r.discovered_at)} and is still ${INCIDENT_STATUSES[r.status].toLowerCase()}.`,
            `The agreement's ${REPORT_WITHIN_HOURS}-hour deadline is ${ukTime(deadline)} (UK time). Decide whether it must be reported to the ICO and record the report or the reason it is not reportable.`,
            "",
            `Open it: ${publicUrl()}/incidents/${r.id}`,
          ].join("\n"),
        });
      }
      await addEvent(c, {
        incidentId: r.id,
        orgId: r.org_id,
        actor: { label: "system:incidents" },
        kind: "escalated",
        text: `Escalated to every administrator (${admins.length}): ${ESCALATE_AFTER_HOURS} hours since discovery without a report.`,
      });
      await recordAudit(c, {
        action: "incident.escalated",
        outcome: "success",
        actor: { label: "system:incidents" },
        orgId: r.org_id,
        target: { type: "incident", id: r.id },
        details: { administrators: admins.length },
      });
    }
    return due.map((r) => r.id);
  });
  if (escalated.length) nudgeMailDelivery();
  return escalated;
}

/** What the report form offers: the agreements the actor's organisation is party to (all, for administrators) and their parties. */
export async function reportFormOptions(
  actor: IncidentActor,
): Promise<{ agreements: { id: string; name: string; parties: { id: string; name: string }[] }[] }> {
  mayReport(actor);
  return withContextClient(contextOf(actor), async (c) => {
    const agreements = (
      await c.query<{ id: string; name: string }>(
        actor.role === "administrator"
          ? `SELECT id, name FROM agreement ORDER BY name`
          : `SELECT id, name FROM agreement WHERE id IN (SELECT agreement_id FROM agreement_partner WHERE org_id = $1
               UNION SELECT agreement_id FROM agreement_dataset WHERE supplier_org_id = $1 UNION SELECT id FROM agreement WHERE owner_org_id = $1) ORDER BY name`,
        actor.role === "administrator" ? [] : [actor.orgId],
      )
    ).rows;
    const out = [];
    for (const a of agreements) out.push({ ...a, parties: (await partiesOf(c, a.id)).map((p) => ({ id: p.orgId, name: p.name })) });
    return { agreements: out };
  });
}

/** The administrators who may own an incident. */
export async function incidentOwners(actor: IncidentActor): Promise<{ id: string; name: string }[]> {
  asAdmin(actor);
  return withContextClient(contextOf(actor), async (c) =>
    (
      await c.query<{ id: string; display_name: string }>(
        `SELECT id, display_name FROM app_user WHERE role = 'administrator' AND active ORDER BY display_name`,
      )
    ).rows.map((r) => ({
      id: r.id,
      name: r.display_name,
    })),
  );
}
