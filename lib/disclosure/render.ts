import "server-only";
import { csvDocument, type CsvValue } from "@/lib/csv";
import type { CellValue, DimensionValue, Measure, ProtectedCell, ProtectedTable } from "./types";

/** ONS symbol for a value withheld to protect confidentiality. */
export const SUPPRESSED_SYMBOL = "[c]";
/** ONS symbol for "not applicable": a structurally impossible group. */
export const NOT_APPLICABLE_SYMBOL = "[z]";
export const TOTAL_LABEL = "Total";

/**
 * Text for one value: counts exactly, percentages with exactly one decimal place (they were
 * already rounded half-up by the engine; `toFixed` here only pads "30" to "30.0").
 */
export function formatValue(value: CellValue, kind: Measure["kind"]): string {
  if (value.suppressed) return SUPPRESSED_SYMBOL;
  if (value.value === null) return NOT_APPLICABLE_SYMBOL;
  return kind === "percentage" ? value.value.toFixed(1) : String(value.value);
}

/** Footnote for any output containing `[c]`. `unit` names what is counted, e.g. "children". */
export function suppressionNote(threshold: number, unit = "cases", secondary = false): string {
  const base = `Values based on ${threshold} or fewer ${unit} are not shown ([c]).`;
  return secondary ? `${base} Some other values are also not shown so that those cannot be worked out from totals.` : base;
}

function hasSuppression(cell: ProtectedCell): { any: boolean; secondary: boolean } {
  const values = [cell.value, cell.numerator, cell.denominator].filter((v): v is CellValue => v !== undefined);
  return {
    any: values.some((v) => v.suppressed),
    secondary: values.some((v) => v.suppressed && v.reason === "secondary"),
  };
}

/** The footnote a table needs, or null when nothing in it is suppressed. */
export function tableNote(table: ProtectedTable, unit = "cases"): string | null {
  const flags = table.cells.map(hasSuppression);
  if (!flags.some((f) => f.any)) return null;
  return suppressionNote(
    table.threshold,
    unit,
    flags.some((f) => f.secondary),
  );
}

function keyCell(value: DimensionValue | null | undefined): CsvValue {
  return value === null || value === undefined ? TOTAL_LABEL : value;
}

/**
 * The table as CSV (RFC 4180, via the shared writer, so category labels cannot smuggle
 * spreadsheet formulas). Percentage tables carry numerator and denominator beside the
 * percentage because the engine already treats both as published.
 */
export function tableToCsv(table: ProtectedTable, options: { bom?: boolean } = {}): string {
  const dims = [...table.rows, ...table.columns];
  const header = table.measure === "percentage" ? [...dims, "numerator", "denominator", "percentage"] : [...dims, "count"];
  const rows = table.cells.map((cell): CsvValue[] => {
    const keys = dims.map((d) => keyCell(cell.key[d]));
    if (table.measure === "percentage") {
      return [
        ...keys,
        cell.numerator === undefined ? SUPPRESSED_SYMBOL : formatValue(cell.numerator, "count"),
        cell.denominator === undefined ? SUPPRESSED_SYMBOL : formatValue(cell.denominator, "count"),
        formatValue(cell.value, "percentage"),
      ];
    }
    return [...keys, formatValue(cell.value, "count")];
  });
  return csvDocument(header, rows, options);
}

export interface ChartPoint {
  readonly key: Readonly<Record<string, DimensionValue | null>>;
  readonly total: boolean;
  readonly value: number;
}

export interface ChartSeries {
  readonly points: readonly ChartPoint[];
  /** Points left out because they are suppressed. */
  readonly omitted: number;
  /** Footnote to show under the chart, or null when nothing was left out. */
  readonly note: string | null;
}

/**
 * Chart-ready points: suppressed and not-applicable values are dropped rather than drawn as
 * zero (a zero bar would publish a value), and the note says why bars are missing.
 */
export function chartSeries(table: ProtectedTable, options: { unit?: string; includeTotals?: boolean } = {}): ChartSeries {
  const points: ChartPoint[] = [];
  let omitted = 0;
  let secondary = false;
  for (const cell of table.cells) {
    if (cell.total && options.includeTotals !== true) continue;
    const v = cell.value;
    if (v.suppressed) {
      omitted++;
      secondary ||= hasSuppression(cell).secondary;
      continue;
    }
    if (v.value === null) continue;
    points.push({ key: cell.key, total: cell.total, value: v.value });
  }
  return {
    points,
    omitted,
    note: omitted > 0 ? suppressionNote(table.threshold, options.unit ?? "cases", secondary) : null,
  };
}
