import "server-only";
import type pg from "pg";
import { recordAudit } from "@/lib/audit/record";
import { getDataset, type DatasetId } from "@/lib/datasets";
import { openIncident } from "@/lib/incidents/register";
import { queueMail } from "@/lib/mail";
import type { Actor } from "./withdraw-batch";

export interface IncidentFindings {
  /** Guard rule → number of cells it caught. Never the cells themselves. */
  rules: Record<string, number>;
  cellCount: number;
  /** Where: per column, what the cells looked like and the first lines. Never a value. */
  columns?: IncidentColumn[];
}

export interface IncidentColumn {
  /** The column heading, or "(header, column N)" when the heading itself looked like an identifier. */
  column: string;
  rules: string[];
  cells: number;
  /** First lines (1-based, as a spreadsheet numbers them), ascending. */
  lines: number[];
}

export interface IncidentInput {
  orgId: string;
  batchId: string;
  datasetId: DatasetId;
  source: "browser" | "sftp" | "cli" | "demo";
  originalFilename: string;
  fileSize: number;
  actor: Actor;
  requestId?: string;
  findings: IncidentFindings;
  bytesDeleted: boolean;
  /** Rows read before the file was stopped. */
  rowsTotal?: number;
}

/** What a rule's cells looked like, in words an analyst reads without a glossary. */
export const IDENTIFIER_PLAIN: Record<string, string> = {
  email: "e-mail addresses",
  "nhs-number": "NHS numbers",
  "street-address": "street addresses",
  postcode: "postcodes",
  "full-date": "full dates (day, month and year), such as dates of birth",
  "phone-number": "telephone numbers",
  "personal-name": "people's names",
  "key-not-pseudonymised": "identifiers in clear (such as a UPRN or case number) instead of 64-character pseudonyms",
};

export function plainRule(rule: string): string {
  return IDENTIFIER_PLAIN[rule] ?? "personal identifiers";
}

/** "a", "a and b", "a, b and c". */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "line 4", "lines 2, 3 and 9", "lines 2, 3 and 9 (and 40 more cells)". */
export function linesInWords(lines: readonly number[], cells: number): string {
  const base = `${lines.length === 1 ? "line" : "lines"} ${listInWords(lines.map(String))}`;
  const more = cells - lines.length;
  return more > 0 ? `${base} (and ${more} more cell${more === 1 ? "" : "s"})` : base;
}

/** One sentence per column: "Column birth_month looked like full dates …, on lines 2 and 3." */
export function incidentWhere(findings: IncidentFindings): string[] {
  return (findings.columns ?? []).map(
    (c) => `Column ${c.column} looked like ${listInWords(c.rules.map(plainRule))}, on ${linesInWords(c.lines, c.cells)}.`,
  );
}

/** What the uploader is told: what happened, where (never values), what the platform did, what to do next. */
export function incidentMessage(findings: IncidentFindings): string {
  const n = findings.cellCount;
  const where = incidentWhere(findings);
  const what = where.length > 0 ? where.join(" ") : `It looked like it held ${listInWords(Object.keys(findings.rules).map(plainRule))}.`;
  return (
    `${n} cell${n === 1 ? "" : "s"} in this file looked like personal details that were not pseudonymised. ${what} ` +
    `The values are not shown or kept anywhere. The platform only accepts pseudonymised data, so every copy of the file ` +
    `we received has been deleted, nothing was loaded, and a data-protection incident has been recorded; your ` +
    `organisation's data-protection contact has been told. What to do: open the extract at those lines, remove or ` +
    `pseudonymise those columns (keys are made with OpenPseudonymiser and are 64 hexadecimal characters; dates of birth ` +
    `are sent as a month, such as 2011-03), check no other column carries names, dates of birth, postcodes, addresses, ` +
    `NHS numbers, phone numbers or e-mail addresses, then upload the corrected file.`
  );
}

/** The report summary an incident batch keeps: the same shape as every other batch's, so readers need no special case. */
export function incidentSummary(incidentId: string, findings: IncidentFindings, rowsTotal = 0) {
  return {
    fileErrors: [] as { code: string; message: string }[],
    groups: [] as never[],
    rowsTotal,
    rowsValid: 0,
    errorCount: 0,
    incident: { incidentId, rules: findings.rules, cellCount: findings.cellCount, columns: findings.columns ?? [] },
  };
}

/**
 * Records a breach in the caller's transaction (org context): the incident, the batch status,
 * the report the uploader sees, the notification to the data-protection contact and the audit
 * event commit together. The caller has already deleted the bytes.
 */
export async function recordIncident(c: pg.PoolClient, i: IncidentInput): Promise<string> {
  const inserted = await c.query<{ id: string }>(
    `INSERT INTO ingest_incident (org_id, batch_id, dataset_id, source, original_filename, file_size, uploaded_by_id, rules, cell_count, bytes_deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      i.orgId,
      i.batchId,
      i.datasetId,
      i.source,
      i.originalFilename,
      i.fileSize,
      i.actor.userId ?? null,
      JSON.stringify(i.findings.rules),
      i.findings.cellCount,
      i.bytesDeleted,
    ],
  );
  const incidentId = inserted.rows[0]!.id;
  await c.query(`UPDATE upload_batch SET status = 'incident', completed_at = now(), file_size = $2, file_sha256 = NULL WHERE id = $1`, [
    i.batchId,
    i.fileSize,
  ]);
  const message = incidentMessage(i.findings);
  await c.query(`INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary) VALUES ($1, $2, 'incident', $3, $4)`, [
    i.batchId,
    i.orgId,
    message,
    JSON.stringify(incidentSummary(incidentId, i.findings, i.rowsTotal ?? 0)),
  ]);
  const org = await c.query<{ name: string; dp_contact_email: string | null }>(`SELECT name, dp_contact_email FROM organisation WHERE id = $1`, [
    i.orgId,
  ]);
  const o = org.rows[0];
  const dataset = getDataset(i.datasetId).title;
  const body = [
    `A file sent to the Essex Data Platform by ${o?.name ?? "your organisation"} was not pseudonymised.`,
    "",
    `Incident: ${incidentId}`,
    `Dataset: ${dataset} (${i.datasetId})`,
    `Received via: ${i.source}, by ${i.actor.label}`,
    `File name: ${i.originalFilename} (${i.fileSize} bytes)`,
    `What was found: ${Object.entries(i.findings.rules)
      .map(([rule, n]) => `${plainRule(rule)} (${n} cell${n === 1 ? "" : "s"})`)
      .join("; ")}`,
    ...incidentWhere(i.findings).map((w) => `  ${w}`),
    "",
    "Every byte received has been deleted and nothing was loaded. The values themselves are not recorded anywhere.",
    "Under the information-sharing protocol this is a data-protection incident: please review how the extract was produced.",
  ].join("\n");
  await queueMail(c, {
    orgId: i.orgId,
    kind: "ingest.incident",
    // Without a named contact the platform operators' address receives it, so it is never lost.
    to: o?.dp_contact_email ?? "security@platform.example",
    subject: `Data-protection incident: un-pseudonymised ${dataset} file received`,
    text: body,
  });
  // Into the breach register with its 24-hour clock; the agreement's other parties are told now
  // (the uploader's own contact has just had the detailed notice above).
  const agreementId = (await c.query<{ agreement_id: string | null }>(`SELECT agreement_id FROM upload_batch WHERE id = $1`, [i.batchId])).rows[0]
    ?.agreement_id;
  if (agreementId) {
    await openIncident(c, {
      orgId: i.orgId,
      agreementId,
      kind: "identifier",
      title: `Un-pseudonymised ${dataset} file received`,
      description: body,
      discoveredAt: new Date(),
      recordedBy: i.actor,
      ingestIncidentId: incidentId,
      requestId: i.requestId,
      alreadyNotified: [i.orgId],
    });
  }
  await recordAudit(c, {
    action: "ingest.incident",
    outcome: "denied",
    actor: i.actor,
    orgId: i.orgId,
    target: { type: "ingest_incident", id: incidentId },
    requestId: i.requestId,
    details: {
      batchId: i.batchId,
      datasetId: i.datasetId,
      source: i.source,
      cellCount: i.findings.cellCount,
      rules: Object.keys(i.findings.rules).join(","),
      bytesDeleted: i.bytesDeleted,
    },
  });
  return incidentId;
}
