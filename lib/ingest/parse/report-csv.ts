import "server-only";
import type { Readable } from "node:stream";
import { csvLines, csvStream, type CsvValue } from "@/lib/csv";
import { IDENTIFIER_RULE_DESCRIPTIONS } from "@/lib/ingest/guard";
import type { ValidationReport } from "@/lib/ingest/parse/errors";

export const ERROR_REPORT_COLUMNS = ["kind", "line", "column", "rule", "expected", "value", "count", "message"] as const;

/**
 * The rows of the downloadable error report, in reading order: file-level problems,
 * identifier findings (never values), counts per column and rule, then the kept
 * examples. Cells go through the shared CSV writer, so values the partner sent that
 * look like formulas are neutralised.
 */
export function* errorReportRows(report: ValidationReport): Generator<CsvValue[]> {
  for (const e of report.fileErrors) {
    const where = e.byteOffset !== undefined ? ` (byte offset ${e.byteOffset})` : "";
    yield ["file", e.line ?? null, e.columns?.join(" ") ?? null, e.code, null, null, null, e.message + where];
  }
  for (const f of report.identifierFindings) {
    yield [
      "identifier",
      f.firstLines.join(" "),
      f.column,
      f.rule,
      null,
      null,
      f.cells,
      `Looks like ${IDENTIFIER_RULE_DESCRIPTIONS[f.rule]}: the file must be deleted and the incident recorded.`,
    ];
  }
  for (const g of report.errorGroups) {
    yield ["summary", g.firstLine, g.column, g.rule, g.expected, null, g.count, null];
  }
  for (const e of report.errors) {
    yield ["row", e.line, e.column, e.rule, e.expected, e.value ?? null, null, null];
  }
}

/** The error report as CSV text lines (header first), produced lazily. */
export function errorReportCsvLines(report: ValidationReport): AsyncGenerator<string> {
  return csvLines(ERROR_REPORT_COLUMNS, errorReportRows(report), { bom: true });
}

/** The error report as a UTF-8 byte stream, e.g. for an HTTP download. */
export function errorReportCsvStream(report: ValidationReport): Readable {
  return csvStream(ERROR_REPORT_COLUMNS, errorReportRows(report), { bom: true });
}
