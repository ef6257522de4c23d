import "server-only";
import { sqlTypeOf, type ColumnDef, type ColumnKind } from "@/lib/datasets/columns";
import type { CopyTextWriter } from "@/lib/datasets/copy-text";
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

type CellWriter = (out: CopyTextWriter, cell: string, value: unknown) => void;

function cellWriter(column: ColumnDef): CellWriter {
  switch (column.kind) {
    case "key":
      // The normalised (lowercased) value, not the raw cell.
      return (out, _cell, value) => out.text(value as string);
    case "flag":
      return (out, _cell, value) => (value === null ? out.null() : out.text(value ? "t" : "f"));
    case "month":
      return (out, cell) => {
        if (cell === "") return out.null();
        out.text(cell);
        out.text("-01");
      };
    case "elg":
      return (out, cell) => (cell === "A" ? out.null() : out.text(cell));
    default:
      // Numbers, dates and URNs go through as the partner wrote them (`12.50` stays `12.50`):
      // converting each back from a number cost ~100 ns a cell. Text codes are escaped by
      // CopyTextWriter.text like everything else, so nothing depends on what a pattern admits.
      return (out, cell) => (cell === "" ? out.null() : out.text(cell));
  }
}

const rowWriterCache = new Map<DatasetId, (out: CopyTextWriter, cells: readonly string[], row: Readonly<Record<string, unknown>>) => void>();

/**
 * Writes one accepted row as a COPY text line (columns in {@link sqlColumns} order, ending in
 * a newline) from its raw cells (dataset column order) and its normalised row: the same values
 * as {@link copyLine}, at a fraction of the cost. Only for rows the compiled validator accepted.
 */
export function copyRowWriter(id: DatasetId): (out: CopyTextWriter, cells: readonly string[], row: Readonly<Record<string, unknown>>) => void {
  let write = rowWriterCache.get(id);
  if (!write) {
    const columns = getDataset(id).columns;
    const names = columns.map((c) => c.name);
    const writers = columns.map(cellWriter);
    write = (out, cells, row) => {
      writers[0]!(out, cells[0]!, row[names[0]!]);
      for (let i = 1; i < names.length; i++) {
        out.tab();
        writers[i]!(out, cells[i]!, row[names[i]!]);
      }
      out.endRow();
    };
    rowWriterCache.set(id, write);
  }
  return write;
}
