import "server-only";
import { sqlTypeOf, type ColumnDef, type ColumnKind } from "@/lib/datasets/columns";
import { getDataset, type DatasetId, type RowOf } from "@/lib/datasets/registry";

export interface SqlColumn {
  /** Column name exactly as in the specification (also the CSV header). */
  readonly name: string;
  /** Double-quoted identifier: `group` is a reserved word, so always quote. */
  readonly quotedName: string;
  /** PostgreSQL type, e.g. `text`, `boolean`, `numeric(12,2)`, `date`, `smallint`, `integer`. */
  readonly type: string;
  readonly nullable: boolean;
  readonly kind: ColumnKind;
}

/** `ds_` + dataset id with `-` replaced by `_`, e.g. `ds_housing_benefits`. */
export function sqlTableName(id: DatasetId): string {
  return `ds_${id.replaceAll("-", "_")}`;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isNullable(column: ColumnDef): boolean {
  // `A` (absent) in an ELG column is stored as NULL.
  return column.optional || column.kind === "elg";
}

const sqlColumnCache = new Map<DatasetId, readonly SqlColumn[]>();

/**
 * The stable, ordered SQL columns of a dataset (same order as the specification).
 * Appending is the only compatible change; anything else is a new specification version.
 */
export function sqlColumns(id: DatasetId): readonly SqlColumn[] {
  let cols = sqlColumnCache.get(id);
  if (!cols) {
    cols = Object.freeze(
      getDataset(id).columns.map((c) =>
        Object.freeze({ name: c.name, quotedName: quoteIdent(c.name), type: sqlTypeOf(c), nullable: isNullable(c), kind: c.kind }),
      ),
    );
    sqlColumnCache.set(id, cols);
  }
  return cols;
}

/** Column definitions for a CREATE TABLE, e.g. `"address_key" text NOT NULL, ...`. */
export function sqlColumnDefinitions(id: DatasetId): string {
  return sqlColumns(id)
    .map((c) => `${c.quotedName} ${c.type}${c.nullable ? "" : " NOT NULL"}`)
    .join(",\n  ");
}

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

type CellFormatter = (cell: string, value: unknown) => string;

function cellFormatter(column: ColumnDef): CellFormatter {
  switch (column.kind) {
    case "key":
      // The normalised (lowercased) value, not the raw cell.
      return (_cell, value) => value as string;
    case "flag":
      return (_cell, value) => (value === null ? "\\N" : value ? "t" : "f");
    case "month":
      return (cell) => (cell === "" ? "\\N" : `${cell}-01`);
    case "elg":
      return (cell) => (cell === "A" ? "\\N" : cell);
    case "enum":
    case "text-code":
      // Their accepted text comes from lists and patterns defined elsewhere; escaping
      // costs little and keeps this safe if one ever admits a tab or backslash.
      return (cell) => (cell === "" ? "\\N" : escapeCopyText(cell));
    default:
      // Accepted money, number, int, year, date and URN cells are digits, "." and "-":
      // valid PostgreSQL literals with nothing COPY would need escaped. Passing
      // the text through avoids a number-to-string conversion per cell (the largest
      // cost of formatting, measured at ~100 ns each).
      return (cell) => (cell === "" ? "\\N" : cell);
  }
}

const cellLineCache = new Map<DatasetId, (cells: readonly string[], row: Readonly<Record<string, unknown>>) => string>();

/**
 * The COPY line of a row straight from its raw cells (dataset column order) and its
 * normalised row, for cells the compiled validator has just accepted: semantically the
 * same line as {@link copyLine} (numbers keep the partner's notation, e.g. `12.50`), at a
 * fraction of the cost. Only for cells the validator accepted: numbers, dates and keys
 * are passed through unescaped.
 */
export function copyLineFromValidCells<Id extends DatasetId>(
  id: Id,
): (cells: readonly string[], row: Readonly<Record<string, unknown>>) => string {
  let format = cellLineCache.get(id);
  if (!format) {
    const columns = getDataset(id).columns;
    const names = columns.map((c) => c.name);
    const formats = columns.map(cellFormatter);
    format = (cells, row) => {
      let line = formats[0]!(cells[0]!, row[names[0]!]);
      for (let i = 1; i < names.length; i++) line += "\t" + formats[i]!(cells[i]!, row[names[i]!]);
      return line + "\n";
    };
    cellLineCache.set(id, format);
  }
  return format;
}
