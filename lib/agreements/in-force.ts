import "server-only";
import type pg from "pg";
import { recordAuditNow } from "@/lib/audit/record";
import { getDataset, isDatasetId } from "@/lib/datasets";
import { withContextClient, type Tx } from "@/lib/db/tenant";

/**
 * Agreement dates are calendar dates in England: an agreement ending on 31 March is in force for
 * the whole of that day in London, whatever the server's time zone.
 */
export function londonDate(now: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** A `date` column as read by pg or Prisma (midnight UTC of that day) as YYYY-MM-DD. */
function isoDay(d: Date | string): string {
  return typeof d === "string" ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

export type AgreementPhase = "not-started" | "in-force" | "ended";

/** Start ≤ today ≤ end, both days included. Extensions are not modelled yet: the end date is the end. */
export function agreementPhase(a: { startDate: Date | string; endDate: Date | string }, now = new Date()): AgreementPhase {
  const today = londonDate(now);
  if (today < isoDay(a.startDate)) return "not-started";
  if (today > isoDay(a.endDate)) return "ended";
  return "in-force";
}

/** "31 March 2027" */
export function formatDay(d: Date | string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(
    new Date(`${isoDay(d)}T00:00:00Z`),
  );
}

export type UploadRefusalCode = "not-supplier" | "not-started" | "ended";

export type SupplyDecision = { ok: true; agreementId: string; agreementName: string } | { ok: false; code: UploadRefusalCode; message: string };

interface SupplyRow {
  agreement_id: string;
  name: string;
  start_date: string;
  end_date: string;
}

/**
 * The one rule for every upload path: an organisation may load a dataset only while an agreement
 * that names it as that dataset's supplier is in force. Read in the caller's transaction (any
 * context: agreements are readable by every context).
 */
export async function decideSupply(db: pg.ClientBase, input: { orgId: string; datasetId: string }, now = new Date()): Promise<SupplyDecision> {
  const title = isDatasetId(input.datasetId) ? getDataset(input.datasetId).title : input.datasetId;
  const org = (await db.query<{ name: string }>(`SELECT name FROM organisation WHERE id = $1`, [input.orgId])).rows[0];
  const orgName = org?.name ?? "Your organisation";
  const { rows } = await db.query<SupplyRow>(
    `SELECT a.id AS agreement_id, a.name, to_char(a.start_date, 'YYYY-MM-DD') AS start_date, to_char(a.end_date, 'YYYY-MM-DD') AS end_date
     FROM agreement_dataset ad JOIN agreement a ON a.id = ad.agreement_id
     WHERE ad.supplier_org_id = $1 AND ad.dataset_id = $2
     ORDER BY a.start_date DESC, a.id`,
    [input.orgId, input.datasetId],
  );
  const inForce = rows.find((r) => agreementPhase({ startDate: r.start_date, endDate: r.end_date }, now) === "in-force");
  if (inForce) return { ok: true, agreementId: inForce.agreement_id, agreementName: inForce.name };
  const notStarted = rows.find((r) => agreementPhase({ startDate: r.start_date, endDate: r.end_date }, now) === "not-started");
  if (notStarted) {
    return {
      ok: false,
      code: "not-started",
      message: `The agreement "${notStarted.name}" under which ${orgName} supplies ${title} starts on ${formatDay(notStarted.start_date)}; uploads are taken from that day. The file was refused and nothing was stored.`,
    };
  }
  const ended = rows[0];
  if (ended) {
    return {
      ok: false,
      code: "ended",
      message: `The agreement "${ended.name}" under which ${orgName} supplied ${title} ended on ${formatDay(ended.end_date)}. No data is taken after an agreement ends, so the file was refused and nothing was stored.`,
    };
  }
  return {
    ok: false,
    code: "not-supplier",
    message: `${orgName} is not named as the supplier of ${title} in any data-sharing agreement, so the file was refused and nothing was stored. Only the organisation an agreement names as a dataset's supplier can upload it; ask your data-protection officer if you think this is wrong.`,
  };
}

export interface UploadActor {
  userId?: string | null;
  label: string;
  role?: string | null;
}

/**
 * {@link decideSupply} as its own unit of work, with a refusal recorded in the audit trail (it
 * writes nothing else). Every upload path reaches it through the ingest pipeline's entry.
 */
export async function checkUploadAllowed(
  actor: UploadActor,
  input: { orgId: string; datasetId: string; source: string; requestId?: string },
  now = new Date(),
): Promise<SupplyDecision> {
  const decision = await withContextClient({ kind: "org", orgId: input.orgId, userId: actor.userId ?? undefined }, (c) =>
    decideSupply(c, input, now),
  );
  if (!decision.ok) {
    await recordAuditNow({
      action: "ingest.upload_refused",
      outcome: "denied",
      actor,
      orgId: input.orgId,
      target: { type: "dataset", id: input.datasetId },
      requestId: input.requestId,
      details: { reason: decision.code, source: input.source },
    });
  }
  return decision;
}

/**
 * Accounts exist only in organisations with a part in the data sharing: a party to an agreement
 * that has not ended, or the platform operator (whose administrators and data-protection officer
 * serve every agreement). Returns why not, in words for the administrator's form, or null.
 */
export async function accountOrganisationProblem(tx: Tx, org: { id: string; name: string; kind: string }, now = new Date()): Promise<string | null> {
  if (org.kind === "platform_operator") return null;
  const parts = await tx.agreementPartner.findMany({
    where: { orgId: org.id },
    select: { agreement: { select: { startDate: true, endDate: true } } },
  });
  if (parts.some((p) => agreementPhase(p.agreement, now) !== "ended")) return null;
  return parts.length === 0
    ? `${org.name} is not a party to any data-sharing agreement, so it cannot have accounts. Add it to an agreement first.`
    : `Every data-sharing agreement ${org.name} is a party to has ended, so it cannot have new accounts.`;
}

/** Matching, dashboards and exports stop when an agreement ends: only destruction remains. */
export class AgreementEndedError extends Error {
  name = "AgreementEndedError";
  constructor(
    readonly agreementName: string,
    readonly endDate: string,
  ) {
    super(
      `The agreement "${agreementName}" ended on ${formatDay(endDate)}. Its data is no longer matched or published; it is kept only until it is destroyed.`,
    );
  }
}

export interface AgreementDates {
  id: string;
  slug: string;
  name: string;
  startDate: string;
  endDate: string;
  phase: AgreementPhase;
}

/** An agreement's dates and phase today, read in the caller's transaction (any context); null if there is none. */
export async function agreementDates(db: pg.ClientBase, where: { id: string } | { slug: string }, now = new Date()): Promise<AgreementDates | null> {
  const [column, value] = "id" in where ? ["id", where.id] : ["slug", where.slug];
  const row = (
    await db.query<{ id: string; slug: string; name: string; start_date: string; end_date: string }>(
      `SELECT id, slug, name, to_char(start_date, 'YYYY-MM-DD') AS start_date, to_char(end_date, 'YYYY-MM-DD') AS end_date FROM agreement WHERE ${column} = $1`,
      [value],
    )
  ).rows[0];
  if (!row) return null;
  const dates = { startDate: row.start_date, endDate: row.end_date };
  return { id: row.id, slug: row.slug, name: row.name, ...dates, phase: agreementPhase(dates, now) };
}

/** Throws {@link AgreementEndedError} when the agreement has ended. */
export async function assertAgreementNotEnded(db: pg.ClientBase, agreementId: string, now = new Date()): Promise<void> {
  const a = await agreementDates(db, { id: agreementId }, now);
  if (a?.phase === "ended") throw new AgreementEndedError(a.name, a.endDate);
}

export interface OutputReader {
  userId: string;
  email: string;
  role: string;
  orgId: string;
}

const PARTY_TTL_MS = 30_000;
const partyCache = ((globalThis as unknown as { __agreementParties?: Map<string, { at: number; party: Promise<boolean> }> }).__agreementParties ??=
  new Map());

/**
 * Researchers and approvers read the outputs (dashboards, their data and exports) only of
 * agreements their organisation is party to (owner, partner or supplier). Remembered for 30
 * seconds per organisation and agreement: dashboards are read under load and parties rarely change.
 * A refusal is audited; the message says why in words.
 */
export async function outputsAccess(actor: OutputReader, input: { agreementSlug: string }): Promise<{ ok: true } | { ok: false; message: string }> {
  const key = `${actor.orgId}|${input.agreementSlug}`;
  let hit = partyCache.get(key);
  if (!hit || Date.now() - hit.at > PARTY_TTL_MS) {
    const party = withContextClient(
      { kind: "researcher", userId: actor.userId },
      async (c) =>
        (
          await c.query(
            `SELECT 1 FROM agreement a WHERE a.slug = $1 AND (a.owner_org_id = $2
             OR EXISTS (SELECT 1 FROM agreement_partner p WHERE p.agreement_id = a.id AND p.org_id = $2)
             OR EXISTS (SELECT 1 FROM agreement_dataset d WHERE d.agreement_id = a.id AND d.supplier_org_id = $2))`,
            [input.agreementSlug, actor.orgId],
          )
        ).rowCount === 1,
    );
    hit = { at: Date.now(), party };
    partyCache.set(key, hit);
    party.catch(() => partyCache.delete(key));
  }
  if (await hit.party) return { ok: true };
  await recordAuditNow({
    action: "dashboard.refused",
    outcome: "denied",
    actor: { userId: actor.userId, label: actor.email, role: actor.role },
    orgId: actor.orgId,
    target: { type: "agreement", id: input.agreementSlug },
    details: { reason: "not-party" },
  });
  return {
    ok: false,
    message:
      "Your organisation is not a party to the data-sharing agreement these figures come from, so they cannot be shown to you. Ask the agreement's owner if your organisation should be added.",
  };
}
