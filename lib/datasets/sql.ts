import "server-only";
import { sqlTypeOf, type ColumnDef, type ColumnKind } from "@/lib/datasets/columns";
import type { CopyTextWriter } from "@/lib/datasets/copy-text";
import { getDataset, type DatasetId } from "@/lib/datasets/registry";

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

export function quoteIdent(name: string): string {
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
 * as `copyLine` (lib/datasets/testing/copy-line.ts, the tests' reference), at a fraction of
 * the cost. Only for rows the compiled validator accepted.
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
