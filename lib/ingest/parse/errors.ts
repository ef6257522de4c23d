import { plural } from "@/lib/text/plural";
import "server-only";
import type { DatasetId, RowRuleCode } from "@/lib/datasets";
import type { IdentifierFinding } from "@/lib/ingest/guard";

/** Problems with the file as a whole. Any of them means the file is refused. */
export const FILE_ERROR_CODES = [
  "empty-file",
  "no-data-rows",
  "no-header-row",
  "wrong-delimiter",
  "unbalanced-quote",
  "duplicate-header",
  "missing-columns",
  "unknown-columns",
  "too-many-columns",
  "wrong-dataset",
  "utf16",
  "invalid-utf8",
  "binary-content",
  "zip-archive",
  "field-too-long",
  "period-required",
  "read-failed",
] as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

export interface FileError {
  readonly code: FileErrorCode;
  /** A sentence for the partner, naming the fix where there is one. */
  readonly message: string;
  /** Physical line (1-based) when the problem has a place. */
  readonly line?: number;
  /** Byte offset from the start of the file (0-based), for encoding problems. */
  readonly byteOffset?: number;
  /** Column names involved (missing, unknown, duplicate). */
  readonly columns?: readonly string[];
  /** For `wrong-dataset`: the dataset the header most resembles. */
  readonly looksLike?: DatasetId;
  /** For `wrong-delimiter`: the separator the file uses. */
  readonly delimiter?: string;
}

/** Rules a single row can break: the dataset rules plus the CSV structure of the row. */
export type RowErrorRule = RowRuleCode | "wrong-field-count" | "misplaced-quote";

/** The column name used for errors that concern a whole row. */
export const WHOLE_ROW = "(row)";

export interface RowError {
  /** Physical line (1-based; the header is line 1) where the row starts. */
  readonly line: number;
  readonly column: string;
  readonly rule: RowErrorRule;
  /** What the cell should have held. */
  readonly expected: string;
  /** The offending value: absent for key columns, and for every error once an identifier was found. */
  readonly value?: string;
}

export interface ErrorGroup {
  readonly column: string;
  readonly rule: RowErrorRule;
  readonly count: number;
  readonly firstLine: number;
  readonly expected: string;
}

export type ValidationStatus = "valid" | "invalid" | "incident";

export interface ValidationReport {
  readonly datasetId: DatasetId;
  readonly period: string | null;
  /** `incident` (identifiers found: delete the file) beats `invalid` beats `valid`. */
  readonly status: ValidationStatus;
  /** False when reading stopped before the end of the file (a fatal problem, or the consumer stopped). */
  readonly complete: boolean;
  readonly bytesRead: number;
  /** Physical lines read, including the header. */
  readonly linesRead: number;
  /** Data rows seen (the header and blank lines excluded). */
  readonly rowsSeen: number;
  readonly validRows: number;
  readonly invalidRows: number;
  /** Valid rows handed to the consumer (none after an identifier was found). */
  readonly rowsEmitted: number;
  readonly fileErrors: readonly FileError[];
  /** Every row-level error counted, including those beyond the examples kept. */
  readonly errorCount: number;
  /** The first `maxErrorsKept` errors, in file order. */
  readonly errors: readonly RowError[];
  /** All errors grouped by column and rule, in order of first occurrence. */
  readonly errorGroups: readonly ErrorGroup[];
  /** Identifier findings per rule and column: never values. */
  readonly identifierFindings: readonly IdentifierFinding[];
  readonly identifierCells: number;
}

const MAX_VALUE_SHOWN = 100;

function detach(text: string): string {
  // Values are slices of a whole input chunk; copying keeps a kept example from
  // pinning that chunk in memory.
  const short = text.length > MAX_VALUE_SHOWN ? `${text.slice(0, MAX_VALUE_SHOWN)}…` : text;
  return Buffer.from(short, "utf8").toString("utf8");
}

/** Counts every row error, grouped, and keeps the first few as examples. */
export class ErrorCollector {
  private readonly examples: RowError[] = [];
  private readonly groups = new Map<string, { column: string; rule: RowErrorRule; count: number; firstLine: number; expected: string }>();
  private total = 0;

  constructor(private readonly maxKept: number) {}

  add(line: number, column: string, rule: RowErrorRule, expected: string, value: string | undefined): void {
    this.total++;
    const key = `${column}\u0000${rule}`;
    const group = this.groups.get(key);
    if (group) group.count++;
    else this.groups.set(key, { column, rule, count: 1, firstLine: line, expected });
    if (this.examples.length < this.maxKept) {
      this.examples.push(value === undefined ? { line, column, rule, expected } : { line, column, rule, expected, value: detach(value) });
    }
  }

  get count(): number {
    return this.total;
  }

  /** The examples; with `redact`, without any value (the file held identifiers). */
  kept(redact: boolean): RowError[] {
    return redact ? this.examples.map(({ value: _value, ...rest }) => rest) : [...this.examples];
  }

  grouped(): ErrorGroup[] {
    return [...this.groups.values()].map((g) => ({ ...g }));
  }
}

/* ---------- messages ---------- */

const SAVE_AS_UTF8 = 'Save it from your spreadsheet or database as "CSV UTF-8 (comma delimited)" and upload again.';

export function delimiterName(d: string): string {
  return d === "\t" ? "a tab" : `'${d}'`;
}

export const messages = {
  emptyFile: () => "The file is empty: it has no header row and no data.",
  noDataRows: () => "The file has a header row but no data rows.",
  noHeaderRow: () => "The first line holds data (a pseudonym), not column names: the specification requires a header row with the column names.",
  wrongDelimiter: (d: string) => `This file uses ${delimiterName(d)} as separator; the specification requires commas.`,
  unbalancedQuote: (line: number) =>
    `A quoted field opened on line ${line} is never closed (unbalanced quote), so the rest of the file cannot be read.`,
  duplicateHeader: (columns: readonly string[]) => `These column headers appear more than once: ${columns.join(", ")}.`,
  missingColumns: (columns: readonly string[]) => `These required columns are missing: ${columns.join(", ")}.`,
  unknownColumns: (columns: readonly string[]) =>
    `These columns are not in the specification and are refused, because an unexpected column may carry identifiers: ${columns.join(", ")}.`,
  tooManyColumns: (limit: number, expected: number) =>
    `The header has more than ${limit} columns; this dataset has ${expected}. The file is refused without reading further.`,
  wrongDataset: (looksLike: DatasetId, title: string, target: DatasetId) =>
    `This looks like a ${looksLike} file (${title}), not a ${target} file. Check that you chose the right dataset.`,
  utf16: (how: string) => `This file is UTF-16 encoded (${how}); the specification requires UTF-8. ${SAVE_AS_UTF8}`,
  invalidUtf8: (line: number, offset: number) =>
    `This file is not valid UTF-8: line ${line}, byte offset ${offset} holds a byte sequence UTF-8 does not allow. It is probably Latin-1 / Windows-1252 encoded. ${SAVE_AS_UTF8}`,
  binary: (what: string) => `This is not a text CSV file: ${what}.`,
  zip: () =>
    'This is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file. Export the sheet as "CSV UTF-8 (comma delimited)" and upload that.',
  fieldTooLong: (line: number, limit: number) =>
    `A field starting on line ${line} is longer than ${limit.toLocaleString("en-GB")} characters; no field of this specification is anywhere near that long, so the file is refused.`,
  periodRequired: (id: DatasetId) => `${id} uploads must name the batch they belong to, as YYYY-H1 or YYYY-H2.`,
  readFailed: () => "The file could not be read to the end (the transfer was interrupted). Upload it again.",
} as const;

/** Summary of a report, for logs and notifications (never values). */
export function summariseReport(report: ValidationReport): string {
  if (report.status === "incident") {
    return `${plural(report.identifierCells, "cell")} ${report.identifierCells === 1 ? "looks" : "look"} like un-pseudonymised identifiers; the file must be deleted and the incident recorded.`;
  }
  if (report.fileErrors.length > 0) return report.fileErrors.map((e) => e.message).join(" ");
  if (report.errorCount > 0) return `${plural(report.errorCount, "error")} in ${report.invalidRows} of ${plural(report.rowsSeen, "row")}.`;
  return `${report.validRows} valid rows.`;
}

export type { IdentifierFinding };
