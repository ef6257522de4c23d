import "server-only";
import { Readable } from "node:stream";

/** A value the portal may put in a CSV cell. `null`/`undefined` become an empty cell. */
export type CsvValue = string | number | boolean | null | undefined;

export interface CsvWriteOptions {
  /**
   * Prefix the output with a UTF-8 byte-order mark. Excel only opens a UTF-8 CSV
   * correctly when the BOM is present, and our ingest accepts it, so exports use it.
   */
  bom?: boolean;
}

export const CSV_EOL = "\r\n";
const BOM = "\uFEFF";

// OWASP "CSV injection": spreadsheet apps evaluate a cell whose text starts with one
// of these, so such cells get a leading apostrophe, which Excel/LibreOffice/Sheets
// treat as "this is text" and do not display.
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/** Prefixes `'` when the text would be evaluated as a formula by a spreadsheet. */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]!) ? `'${text}` : text;
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One RFC 4180 cell. Strings are neutralised; numbers and booleans are not, because
 * a negative number is data, not a formula, and must stay numeric for the reader.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} to CSV`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = neutraliseFormula(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record including its CRLF terminator. */
export function csvRow(values: readonly CsvValue[]): string {
  let out = "";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    out += csvCell(values[i]);
  }
  return out + CSV_EOL;
}

/** A whole (small) CSV document in memory; use {@link csvStream} for anything row-count dependent. */
export function csvDocument(header: readonly string[], rows: Iterable<readonly CsvValue[]>, options: CsvWriteOptions = {}): string {
  let out = (options.bom ? BOM : "") + csvRow(header);
  for (const row of rows) out += csvRow(row);
  return out;
}

/** Lines of a CSV document, pulled lazily so the consumer controls memory and pace. */
export async function* csvLines(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>,
  options: CsvWriteOptions = {},
): AsyncGenerator<string, void, undefined> {
  yield (options.bom ? BOM : "") + csvRow(header);
  for await (const row of rows) {
    if (row.length !== header.length) {
      throw new RangeError(`CSV row has ${row.length} cells, header has ${header.length}`);
    }
    yield csvRow(row);
  }
}

/** A byte stream (UTF-8) of a CSV document, for HTTP responses and files. */
export function csvStream(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]> | AsyncIterable<readonly CsvValue[]>,
  options: CsvWriteOptions = {},
): Readable {
  return Readable.from(batchLines(csvLines(header, rows, options)), { objectMode: false });
}

// Yielding one tiny string per row makes a stream do one push per row; grouping
// lines into ~64 KiB chunks keeps the per-row overhead off the hot path.
async function* batchLines(lines: AsyncIterable<string>): AsyncGenerator<Buffer> {
  let pending = "";
  for await (const line of lines) {
    pending += line;
    if (pending.length >= 65_536) {
      yield Buffer.from(pending, "utf8");
      pending = "";
    }
  }
  if (pending.length > 0) yield Buffer.from(pending, "utf8");
}
