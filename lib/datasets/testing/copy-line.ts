import "server-only";
import type { ColumnDef } from "@/lib/datasets/columns";
import { getDataset, type DatasetId, type RowOf } from "@/lib/datasets/registry";
import { quoteIdent, sqlColumns, sqlTableName } from "@/lib/datasets/sql";

/*
 * The tests' reference for COPY text: each normalised row formatted as a string, the plain way.
 * The product writes COPY text from the accepted cells as bytes (copyRowWriter, CopyTextWriter);
 * tests load rows both ways and compare, so this stays deliberately simple and independent.
 */

/** `COPY <table> (<columns>) FROM STDIN` matching the lines of {@link copyLine}. */
export function copyFromStdinSql(id: DatasetId, table: string = sqlTableName(id)): string {
  return `COPY ${quoteIdent(table)} (${sqlColumns(id)
    .map((c) => c.quotedName)
    .join(", ")}) FROM STDIN (FORMAT text)`;
}

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
// A non-global regex for the test: a global one carries lastIndex state between calls.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;

/** Escapes text for COPY text format (backslash, tab, newline, carriage return). */
export function escapeCopyText(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

function formatter(column: ColumnDef): (value: unknown) => string {
  const nullOr = (f: (v: unknown) => string) => (v: unknown) => (v === null || v === undefined ? "\\N" : f(v));
  switch (column.kind) {
    case "flag":
      return nullOr((v) => (v ? "t" : "f"));
    case "money":
    case "number":
    case "int":
    case "year":
    case "elg":
      // Validated numbers have at most 12 significant digits, so String() is exact.
      return nullOr((v) => String(v));
    case "month":
      // Stored as the first day of the month so date arithmetic works in SQL.
      return nullOr((v) => `${escapeCopyText(String(v))}-01`);
    default:
      return nullOr((v) => escapeCopyText(String(v)));
  }
}

const formatterCache = new Map<DatasetId, (row: Readonly<Record<string, unknown>>) => string>();

/** A reusable COPY-line formatter for a dataset (avoids per-row set-up on the hot path). */
export function copyLineFormatter<Id extends DatasetId>(id: Id): (row: RowOf<Id>) => string {
  let format = formatterCache.get(id);
  if (!format) {
    const columns = getDataset(id).columns;
    const names = columns.map((c) => c.name);
    const formats = columns.map(formatter);
    format = (row) => {
      let line = formats[0]!(row[names[0]!]);
      for (let i = 1; i < names.length; i++) line += "\t" + formats[i]!(row[names[i]!]);
      return line + "\n";
    };
    formatterCache.set(id, format);
  }
  return format as (row: RowOf<Id>) => string;
}

/**
 * One normalised row as a PostgreSQL COPY text-format line (tab separated, `\N` for
 * null, backslash/tab/newline/CR escaped), terminated by `\n`, columns in {@link sqlColumns} order.
 */
export function copyLine<Id extends DatasetId>(id: Id, row: RowOf<Id>): string {
  return copyLineFormatter(id)(row);
}
