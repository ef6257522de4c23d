import "server-only";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import type { ReportSummary } from "./pipeline";
import { isUuid } from "@/lib/ids";

export interface BatchListItem {
  id: string;
  datasetId: string;
  period: string | null;
  source: string;
  status: string;
  originalFilename: string;
  fileSize: number | null;
  rowsTotal: number | null;
  rowsLoaded: number | null;
  errorCount: number | null;
  loadValidRowsOnly: boolean;
  createdAt: Date;
  completedAt: Date | null;
}

const batchColumns = (t: string) => `${t}.id, ${t}.dataset_id AS "datasetId", ${t}.period, ${t}.source, ${t}.status,
  ${t}.original_filename AS "originalFilename", ${t}.file_size::float8 AS "fileSize", ${t}.rows_total AS "rowsTotal",
  ${t}.rows_loaded AS "rowsLoaded", ${t}.error_count AS "errorCount", ${t}.load_valid_rows_only AS "loadValidRowsOnly",
  ${t}.created_at AS "createdAt", ${t}.completed_at AS "completedAt"`;

/** The organisation's uploads, newest first (RLS limits them to the organisation). */
export async function listBatches(ctx: UnitContext & { kind: "org" }, limit = 200): Promise<BatchListItem[]> {
  return withContextClient(
    ctx,
    async (c) => (await c.query<BatchListItem>(`SELECT ${batchColumns("b")} FROM upload_batch b ORDER BY b.created_at DESC LIMIT $1`, [limit])).rows,
  );
}

export interface BatchDetail extends BatchListItem {
  fileSha256: string | null;
  withdrawnAt: Date | null;
  supersededById: string | null;
  uploadedBy: string | null;
  report: { outcome: string; message: string; summary: ReportSummary; errorReport: boolean } | null;
}

export async function getBatch(ctx: UnitContext & { kind: "org" }, batchId: string): Promise<BatchDetail | null> {
  if (!isUuid(batchId)) return null;
  return withContextClient(ctx, async (c) => {
    const b = await c.query<BatchDetail>(
      `SELECT ${batchColumns("b")}, b.file_sha256 AS "fileSha256", b.withdrawn_at AS "withdrawnAt",
              b.superseded_by_id AS "supersededById", u.display_name AS "uploadedBy",
              CASE WHEN r.batch_id IS NULL THEN NULL ELSE json_build_object('outcome', r.outcome, 'message', r.message, 'summary', r.summary, 'errorReport', r.error_report) END AS report
       FROM upload_batch b
       LEFT JOIN ingest_batch_report r ON r.batch_id = b.id
       LEFT JOIN app_user u ON u.id = b.uploaded_by_id
       WHERE b.id = $1`,
      [batchId],
    );
    const row = b.rows[0];
    if (!row) return null;
    if (row.report) row.report = { ...row.report, summary: normaliseSummary(row.report.summary) };
    return row;
  });
}

/**
 * Reports written before every outcome shared one shape (an incident kept only `{ incident }`)
 * are completed here, so a reader never meets a missing list.
 */
export function normaliseSummary(s: Partial<ReportSummary> | null | undefined): ReportSummary {
  const v = s ?? {};
  return {
    ...v,
    fileErrors: Array.isArray(v.fileErrors) ? v.fileErrors : [],
    groups: Array.isArray(v.groups) ? v.groups : [],
    rowsTotal: v.rowsTotal ?? 0,
    rowsValid: v.rowsValid ?? 0,
    errorCount: v.errorCount ?? 0,
  };
}

export interface IncidentListItem {
  id: string;
  orgName: string;
  datasetId: string;
  source: string;
  originalFilename: string;
  fileSize: number;
  uploadedBy: string | null;
  detectedAt: Date;
  rules: Record<string, number>;
  cellCount: number;
  bytesDeleted: boolean;
  remoteDeleted: boolean | null;
}

/** Every incident, for administrators: metadata only, never a value from the file. */
export async function listIncidents(ctx: UnitContext & { kind: "admin" }, limit = 500): Promise<IncidentListItem[]> {
  return withContextClient(
    ctx,
    async (c) =>
      (
        await c.query<IncidentListItem>(
          `SELECT i.id, o.name AS "orgName", i.dataset_id AS "datasetId", i.source, i.original_filename AS "originalFilename",
                i.file_size::float8 AS "fileSize", u.display_name AS "uploadedBy", i.detected_at AS "detectedAt", i.rules,
                i.cell_count AS "cellCount", i.bytes_deleted AS "bytesDeleted", i.remote_deleted AS "remoteDeleted"
         FROM ingest_incident i JOIN organisation o ON o.id = i.org_id LEFT JOIN app_user u ON u.id = i.uploaded_by_id
         ORDER BY i.detected_at DESC LIMIT $1`,
          [limit],
        )
      ).rows,
  );
}
