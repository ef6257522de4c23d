import "server-only";
import type pg from "pg";
import { recordAudit } from "@/lib/audit/record";
import { getDataset, type DatasetId } from "@/lib/datasets";
import { queueMail } from "@/lib/mail";
import type { Actor } from "./withdraw-batch";

export interface IncidentFindings {
  /** Guard rule → number of cells it caught. Never the cells themselves. */
  rules: Record<string, number>;
  cellCount: number;
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
}

/** What the uploader is told: what happened, what the platform did, what to do next. */
export function incidentMessage(findings: IncidentFindings): string {
  const rules = Object.keys(findings.rules).join(", ");
  return (
    `This file contains values that look like identifiers that were not pseudonymised (${rules}; ` +
    `${findings.cellCount} cell${findings.cellCount === 1 ? "" : "s"}). The platform only accepts pseudonymised data, so the file ` +
    `has been deleted (every copy we received, nothing was loaded) and a data-protection incident has been recorded. ` +
    `Your organisation's data-protection contact has been told. What to do: check the extract was pseudonymised with ` +
    `OpenPseudonymiser (keys are 64 hexadecimal characters), and that no column carries names, dates of birth, ` +
    `postcodes, addresses, NHS numbers, phone numbers or e-mail addresses; then upload the corrected file.`
  );
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
    [i.orgId, i.batchId, i.datasetId, i.source, i.originalFilename, i.fileSize, i.actor.userId ?? null, JSON.stringify(i.findings.rules), i.findings.cellCount, i.bytesDeleted],
  );
  const incidentId = inserted.rows[0]!.id;
  await c.query(
    `UPDATE upload_batch SET status = 'incident', completed_at = now(), file_size = $2, file_sha256 = NULL WHERE id = $1`,
    [i.batchId, i.fileSize],
  );
  const message = incidentMessage(i.findings);
  await c.query(
    `INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary) VALUES ($1, $2, 'incident', $3, $4)`,
    [i.batchId, i.orgId, message, JSON.stringify({ incident: { incidentId, rules: i.findings.rules, cellCount: i.findings.cellCount } })],
  );
  const org = await c.query<{ name: string; dp_contact_email: string | null }>(`SELECT name, dp_contact_email FROM organisation WHERE id = $1`, [i.orgId]);
  const o = org.rows[0];
  const dataset = getDataset(i.datasetId).title;
  const body = [
    `A file sent to the Essex Data Platform by ${o?.name ?? "your organisation"} was not pseudonymised.`,
    "",
    `Incident: ${incidentId}`,
    `Dataset: ${dataset} (${i.datasetId})`,
    `Received via: ${i.source}, by ${i.actor.label}`,
    `File name: ${i.originalFilename} (${i.fileSize} bytes)`,
    `What was found: ${Object.entries(i.findings.rules).map(([rule, n]) => `${rule} (${n} cells)`).join(", ")}`,
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
