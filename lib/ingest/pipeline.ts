import "server-only";
import { plural } from "@/lib/text/plural";
import fs from "node:fs";
import { pipeline as streamPipeline } from "node:stream/promises";
import type pg from "pg";
import { recordAudit } from "@/lib/audit/record";
import { checkBatchPeriod, getDataset, type DatasetId } from "@/lib/datasets";
import { pool } from "@/lib/db/client";
import { setContextOn } from "@/lib/db/tenant";
import { checkUploadAllowed, decideSupply, type UploadRefusalCode } from "@/lib/agreements/in-force";
import { nudgeMailDelivery } from "@/lib/mail";
import { lockBatch, unlockBatch } from "./batch-lock";
import { emitBatchChanged } from "./events";
import { incidentMessage, incidentSummary, recordIncident, type IncidentColumn, type IncidentFindings } from "./incident";
import { BatchLoader } from "./load-batch";
import { errorReportPath } from "./paths";
import { StoredFile } from "./store-file";
import { errorReportCsvStream, validateCsvStream, type ValidationReport } from "./parse";
import type { Actor } from "./withdraw-batch";

export type BatchSource = "browser" | "sftp" | "cli" | "demo";

export type IngestProgress = { phase: "receiving"; bytes: number; rows: number } | { phase: "loading"; rows: number };

export interface IngestRequest {
  orgId: string;
  datasetId: DatasetId;
  /** `YYYY-H1`/`YYYY-H2`: required for datasets sent in 6-monthly batches, refused for others. */
  period?: string | null;
  source: BatchSource;
  originalFilename: string;
  /** The partner chose to load the valid rows of a file with errors (recorded on the batch). */
  loadValidRows: boolean;
  actor: Actor;
  requestId?: string;
  /** The file's bytes as they arrive; never collected in memory. */
  input: AsyncIterable<Uint8Array>;
  onProgress?: (p: IngestProgress) => void;
}

export type IngestStatus = "loaded" | "refused" | "incident" | "failed";

export interface ErrorGroup {
  column: string;
  rule: string;
  expected: string;
  count: number;
  /** First examples; `value` is null for key columns (pseudonyms are never echoed). */
  examples: { line: number; value: string | null }[];
}

export interface ReportSummary {
  fileErrors: { code: string; message: string }[];
  groups: ErrorGroup[];
  rowsTotal: number;
  rowsValid: number;
  errorCount: number;
  incident?: { incidentId: string; rules: Record<string, number>; cellCount: number; columns?: IncidentColumn[] };
}

export interface IngestResult {
  batchId: string;
  status: IngestStatus;
  message: string;
  rowsTotal: number;
  rowsLoaded: number;
  errorCount: number;
  size: number;
  sha256: string | null;
  summary: ReportSummary;
  errorReport: boolean;
}

/** A request the pipeline refuses before any byte is read (no batch is created). */
export class IngestRequestError extends Error {
  name = "IngestRequestError";
}

/** The organisation may not load this dataset now (lib/agreements): nothing is read or stored. */
export class UploadRefusedError extends IngestRequestError {
  name = "UploadRefusedError";
  constructor(
    readonly code: UploadRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

const EXAMPLES_PER_GROUP = 5;
/** Row errors kept as examples for the result page and the error report; every error is counted. */
const MAX_ERRORS_KEPT = 10_000;

function checkRequest(r: IngestRequest): string | null {
  // PostgreSQL cannot store NUL in text, and a control character in a name would garble every page that shows it.
  if (/[\u0000-\u001f\u007f]/.test(r.originalFilename)) {
    return "The file's name contains a control character (such as NUL or a line break) that cannot be stored. Rename the file and send it again.";
  }
  const def = getDataset(r.datasetId);
  return checkBatchPeriod(def, r.period ?? null)?.message ?? null;
}

function refusalMessage(report: ValidationReport, loadValidRows: boolean): string {
  if (report.fileErrors.length > 0) return `The file was refused: ${report.fileErrors.map((f) => f.message).join(" ")} Nothing was loaded.`;
  if (report.validRows === 0) {
    return `None of the ${plural(report.rowsSeen, "row")} is valid (${plural(report.errorCount, "error")}). Nothing was loaded. Correct the file and upload it again.`;
  }
  if (report.errorCount > 0 && !loadValidRows) {
    return `The file was refused because ${report.errorCount} error${report.errorCount === 1 ? " was" : "s were"} found in ${report.invalidRows} of ${plural(report.rowsSeen, "row")}. Nothing was loaded. Correct the file and upload it again, or upload it again choosing to load only the valid rows.`;
  }
  return "";
}

/** The result page's grouped view: every group with its count and its first examples. */
function summarise(report: ValidationReport): ReportSummary {
  const groups: ErrorGroup[] = report.errorGroups.map((g) => ({
    column: g.column,
    rule: g.rule,
    expected: g.expected,
    count: g.count,
    examples: report.errors
      .filter((e) => e.column === g.column && e.rule === g.rule)
      .slice(0, EXAMPLES_PER_GROUP)
      .map((e) => ({ line: e.line, value: e.value ?? null })),
  }));
  return {
    fileErrors: report.fileErrors.map((f) => ({ code: f.code, message: f.message })),
    groups,
    rowsTotal: report.rowsSeen,
    rowsValid: report.validRows,
    errorCount: report.errorCount + report.fileErrors.length,
  };
}

/** Incident findings as recorded: per rule and per column, how many cells and the first lines; never a value. */
export function findingsOf(report: Pick<ValidationReport, "identifierFindings" | "identifierCells">): IncidentFindings {
  const rules: Record<string, number> = {};
  const byColumn = new Map<string, IncidentColumn>();
  for (const f of report.identifierFindings) {
    rules[f.rule] = (rules[f.rule] ?? 0) + f.cells;
    let c = byColumn.get(f.column);
    if (!c) byColumn.set(f.column, (c = { column: f.column, rules: [], cells: 0, lines: [] }));
    if (!c.rules.includes(f.rule)) c.rules.push(f.rule);
    c.cells += f.cells;
    c.lines = [...new Set([...c.lines, ...f.firstLines])].sort((a, b) => a - b).slice(0, INCIDENT_LINES_SHOWN);
  }
  return { rules, cellCount: report.identifierCells, columns: [...byColumn.values()] };
}

/** Lines named per column in an incident message: enough to find them, short enough to read. */
const INCIDENT_LINES_SHOWN = 10;

async function writeErrorReport(report: ValidationReport, file: string): Promise<void> {
  await streamPipeline(errorReportCsvStream(report), fs.createWriteStream(file, { mode: 0o600 }));
}

/**
 * The one ingest path for the browser, SFTP, the command line and the demo: every byte is stored
 * (hashed on the way), parsed, validated and checked for identifiers in a single pass, and valid
 * rows stream into a staging table. The rows become visible all together when the batch's
 * transaction commits, or never: a refusal, an incident, a cancelled upload or a dead process all
 * end in a rollback, and the stored bytes are deleted.
 */
export async function ingestFile(r: IngestRequest): Promise<IngestResult> {
  const problem = checkRequest(r);
  if (problem) throw new IngestRequestError(problem);
  // Every path (browser, API, SFTP, command line, demo) enters here, so the agreement rule is
  // applied once for all of them, before a batch exists or a byte is read.
  const supply = await checkUploadAllowed(r.actor, { orgId: r.orgId, datasetId: r.datasetId, source: r.source, requestId: r.requestId });
  if (!supply.ok) throw new UploadRefusedError(supply.code, supply.message);

  const client = await pool().connect();
  let broken = false;
  let batchId: string | null = null;
  let locked = false;
  const ctx = { orgId: r.orgId, userId: r.actor.userId ?? "", requestId: r.requestId ?? "" };
  const setContext = () => setContextOn(client, { kind: "org", orgId: ctx.orgId, userId: ctx.userId, requestId: ctx.requestId });
  const inTransaction = async <T>(fn: () => Promise<T>): Promise<T> => {
    await client.query("BEGIN");
    try {
      await setContext();
      const out = await fn();
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => (broken = true));
      throw e;
    }
  };

  try {
    batchId = await inTransaction(async () => {
      const res = await client.query<{ id: string }>(
        `INSERT INTO upload_batch (org_id, dataset_id, period, source, status, original_filename, load_valid_rows_only, uploaded_by_id, agreement_id)
         VALUES ($1, $2, $3, $4, 'loading', $5, $6, $7, $8) RETURNING id`,
        [
          r.orgId,
          r.datasetId,
          r.period ?? null,
          r.source,
          r.originalFilename.slice(0, 255),
          r.loadValidRows,
          r.actor.userId ?? null,
          supply.agreementId,
        ],
      );
      const id = res.rows[0]!.id;
      // Taken before the row is visible to anyone else, so the sweeper never sees it unlocked.
      await lockBatch(client, id);
      await recordAudit(client, {
        action: "ingest.batch_received",
        outcome: "success",
        actor: r.actor,
        orgId: r.orgId,
        target: { type: "upload_batch", id },
        requestId: r.requestId,
        details: { datasetId: r.datasetId, source: r.source, period: r.period ?? null, loadValidRows: r.loadValidRows },
      });
      return id;
    });
    locked = true;
    return await runBatch(client, batchId, r, inTransaction, () => (broken = true));
  } catch (e) {
    if (batchId) await markFailed(client, batchId, r, inTransaction, e).catch(() => (broken = true));
    throw e;
  } finally {
    if (locked && batchId && !broken) await unlockBatch(client, batchId).catch(() => (broken = true));
    client.release(broken);
  }
}

/** The data folder is full, read-only or not a folder: the operators' problem, not the partner's. */
function isStorageFault(cause: unknown): boolean {
  const code = (cause as { code?: string } | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT" || code === "EROFS" || code === "EACCES" || code === "EPERM" || code === "ENOTDIR";
}

async function markFailed(
  client: pg.PoolClient,
  batchId: string,
  r: IngestRequest,
  inTransaction: <T>(fn: () => Promise<T>) => Promise<T>,
  cause: unknown,
): Promise<void> {
  const cancelled =
    (cause as { name?: string }).name === "AbortError" || /abort|cancel|premature close/i.test(String((cause as Error)?.message ?? cause));
  const storage = !cancelled && isStorageFault(cause);
  const message =
    cause instanceof UploadRefusedError
      ? cause.message
      : cancelled
        ? "The upload was cancelled before it finished. Nothing was loaded."
        : storage
          ? "The portal's file storage is full or cannot be written to, so your file could not be kept. Nothing was loaded and your previous data is unchanged. Please tell the platform administrators and try again later."
          : "The upload could not be completed because of a problem on our side. Nothing was loaded; please try again.";
  await inTransaction(async () => {
    await client.query(`UPDATE upload_batch SET status = 'failed', completed_at = now() WHERE id = $1 AND status IN ('received', 'loading')`, [
      batchId,
    ]);
    await client.query(
      `INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary) VALUES ($1, $2, 'failed', $3, '{}'::jsonb)
       ON CONFLICT (batch_id) DO NOTHING`,
      [batchId, r.orgId, message],
    );
    await recordAudit(client, {
      action: "ingest.batch_failed",
      outcome: "failure",
      actor: r.actor,
      orgId: r.orgId,
      target: { type: "upload_batch", id: batchId },
      requestId: r.requestId,
      details: { reason: cause instanceof UploadRefusedError ? `agreement-${cause.code}` : cancelled ? "cancelled" : storage ? "storage" : "error" },
    });
  });
}

async function runBatch(
  client: pg.PoolClient,
  batchId: string,
  r: IngestRequest,
  inTransaction: <T>(fn: () => Promise<T>) => Promise<T>,
  markBroken: () => void,
): Promise<IngestResult> {
  const stored = new StoredFile(r.orgId, batchId);
  const errorFile = errorReportPath(r.orgId, batchId);
  let staging: BatchLoader | null = null;
  let open = false;
  let rowsValidSoFar = 0;
  let bytes = 0;
  // The validator turns a failing source into a "read-failed" refusal; a cancelled or cut-off
  // transfer is not the partner's file being wrong, so it is rethrown as what it was.
  let inputFailure: unknown = null;

  async function* received(): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of r.input) {
        await stored.write(chunk);
        bytes += chunk.byteLength;
        r.onProgress?.({ phase: "receiving", bytes, rows: rowsValidSoFar });
        yield chunk;
      }
    } catch (e) {
      inputFailure = e;
      throw e;
    }
  }

  try {
    await client.query("BEGIN");
    open = true;
    await setContextOn(client, { kind: "org", orgId: r.orgId, userId: r.actor.userId ?? "" });
    staging = await BatchLoader.open(client, r.datasetId, batchId, r.orgId);

    // COPY lines made from the accepted cells: formatting the normalised rows again turned every
    // number back into text and cost as much as a third of the parser's time.
    const run = validateCsvStream(received(), {
      datasetId: r.datasetId,
      period: r.period ?? undefined,
      maxErrorsKept: MAX_ERRORS_KEPT,
      copyText: true,
    });
    for await (const batch of run) {
      // Valid rows go to the staging table while the rest of the file is still arriving; if the
      // file turns out to be refused, the transaction is rolled back and they vanish with it.
      await staging.add(batch.copyText!, batch.rows.length);
      rowsValidSoFar += batch.rows.length;
    }
    const report = await run.report;
    if (inputFailure) throw inputFailure;
    const sha256 = await stored.finish();
    const size = stored.size;

    if (report.status === "incident") {
      await staging.abort();
      await client.query("ROLLBACK");
      open = false;
      await stored.discard();
      const findings = findingsOf(report);
      let incidentId = "";
      await inTransaction(async () => {
        incidentId = await recordIncident(client, {
          orgId: r.orgId,
          batchId,
          datasetId: r.datasetId,
          source: r.source,
          originalFilename: r.originalFilename,
          fileSize: size,
          actor: r.actor,
          requestId: r.requestId,
          findings,
          rowsTotal: report.rowsSeen,
          bytesDeleted: !fs.existsSync(stored.partialPath) && !fs.existsSync(stored.finalPath),
        });
      });
      // The data-protection contact hears of it now, not at the next scheduler tick.
      nudgeMailDelivery();
      return {
        batchId,
        status: "incident",
        message: incidentMessage(findings),
        rowsTotal: report.rowsSeen,
        rowsLoaded: 0,
        errorCount: 0,
        size,
        sha256: null,
        summary: incidentSummary(incidentId, findings, report.rowsSeen),
        errorReport: false,
      };
    }

    const summary = summarise(report);
    const errorCount = summary.errorCount;
    const hasErrorReport = errorCount > 0;
    if (hasErrorReport) await writeErrorReport(report, errorFile);
    const refusal = refusalMessage(report, r.loadValidRows);
    if (refusal) {
      await staging.abort();
      await client.query("ROLLBACK");
      open = false;
      // Nothing of a refused file is kept but its error report: the partner holds the original.
      await stored.discard();
      await inTransaction(async () => {
        await client.query(
          `UPDATE upload_batch SET status = 'refused', completed_at = now(), file_sha256 = $2, file_size = $3, rows_total = $4, rows_loaded = 0, error_count = $5 WHERE id = $1`,
          [batchId, sha256, size, report.rowsSeen, errorCount],
        );
        await client.query(
          `INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary, error_report) VALUES ($1, $2, 'refused', $3, $4, $5)`,
          [batchId, r.orgId, refusal, JSON.stringify(summary), hasErrorReport],
        );
        await recordAudit(client, {
          action: "ingest.batch_refused",
          outcome: "failure",
          actor: r.actor,
          orgId: r.orgId,
          target: { type: "upload_batch", id: batchId },
          requestId: r.requestId,
          details: { datasetId: r.datasetId, rowsTotal: report.rowsSeen, errorCount, fileError: report.fileErrors[0]?.code ?? null, sha256, size },
        });
      });
      return {
        batchId,
        status: "refused",
        message: refusal,
        rowsTotal: report.rowsSeen,
        rowsLoaded: 0,
        errorCount,
        size,
        sha256,
        summary,
        errorReport: hasErrorReport,
      };
    }

    r.onProgress?.({ phase: "loading", rows: report.validRows });
    const rowsLoaded = await staging.finish();
    // A long upload may cross the agreement's last midnight: the rule is asked again in the
    // transaction that would make the rows live (after the COPY has ended: one statement at a time).
    const stillAllowed = await decideSupply(client, { orgId: r.orgId, datasetId: r.datasetId });
    if (!stillAllowed.ok) throw new UploadRefusedError(stillAllowed.code, stillAllowed.message);
    // One loader at a time per organisation, dataset and period decides which batch is live.
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('ingest:live:' || $1 || ':' || $2 || ':' || coalesce($3, ''), 0))`, [
      r.orgId,
      r.datasetId,
      r.period ?? null,
    ]);
    const superseded = await client.query<{ id: string }>(
      `UPDATE upload_batch SET status = 'superseded', superseded_by_id = $1
       WHERE org_id = $2 AND dataset_id = $3 AND period IS NOT DISTINCT FROM $4 AND status = 'loaded' AND id <> $1 RETURNING id`,
      [batchId, r.orgId, r.datasetId, r.period ?? null],
    );
    await client.query(
      `UPDATE upload_batch SET status = 'loaded', completed_at = now(), file_sha256 = $2, file_size = $3, rows_total = $4, rows_loaded = $5, error_count = $6 WHERE id = $1`,
      [batchId, sha256, size, report.rowsSeen, rowsLoaded, errorCount],
    );
    const message =
      errorCount > 0
        ? `${plural(rowsLoaded, "valid row")} of ${report.rowsSeen} ${rowsLoaded === 1 ? "was" : "were"} loaded, as you chose; ${plural(report.invalidRows, "row")} with ${plural(errorCount, "error")} ${report.invalidRows === 1 ? "was" : "were"} left out.`
        : rowsLoaded === 1
          ? "The 1 row was loaded."
          : `All ${rowsLoaded} rows were loaded.`;
    await client.query(
      `INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary, error_report) VALUES ($1, $2, 'loaded', $3, $4, $5)`,
      [batchId, r.orgId, message, JSON.stringify(summary), hasErrorReport],
    );
    await recordAudit(client, {
      action: "ingest.batch_loaded",
      outcome: "success",
      actor: r.actor,
      orgId: r.orgId,
      target: { type: "upload_batch", id: batchId },
      requestId: r.requestId,
      details: {
        datasetId: r.datasetId,
        period: r.period ?? null,
        rowsTotal: report.rowsSeen,
        rowsLoaded,
        errorCount,
        loadValidRows: r.loadValidRows,
        sha256,
        size,
        superseded: superseded.rows.map((s) => s.id).join(",") || null,
      },
    });
    stored.keep();
    try {
      await client.query("COMMIT");
      open = false;
    } catch (e) {
      open = false;
      await stored.discard();
      throw e;
    }
    await emitBatchChanged({ batchId, orgId: r.orgId, datasetId: r.datasetId, kind: "loaded" });
    return {
      batchId,
      status: "loaded",
      message,
      rowsTotal: report.rowsSeen,
      rowsLoaded,
      errorCount,
      size,
      sha256,
      summary,
      errorReport: hasErrorReport,
    };
  } catch (e) {
    if (staging) await staging.abort().catch(() => {});
    if (open) await client.query("ROLLBACK").catch(markBroken);
    await stored.discard();
    fs.rmSync(errorFile, { force: true });
    throw e;
  }
}
