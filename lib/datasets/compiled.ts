import { FLAG_FALSE, FLAG_TRUE, MONEY_MAX, NUMBER_MAX_DECIMALS, YEAR_MAX, YEAR_MIN, expectedFormat, type ColumnDef } from "@/lib/datasets/columns";
import { getDataset, type CrossFieldRuleCode, type DatasetDef, type DatasetId, type RowContext } from "@/lib/datasets/registry";
import { PATTERNS, columnSchema, rowSchema, type FieldRuleCode } from "@/lib/datasets/schema";

/**
 * Returned by a fast cell parser when the cell is invalid; a symbol so that no
 * normalised value (which can be `null`, `false` or `0`) is ever mistaken for it.
 */
export const INVALID: unique symbol = Symbol("invalid");
export type CellParser = (raw: string) => unknown;

/*
 * Why a second implementation next to the zod schema: zod costs several microseconds
 * per row of 20 cells, which alone would exceed the "within 2x of COPY" budget on
 * million-row files. These parsers are derived from the same column definitions and
 * are property-tested (fast-check) to accept exactly what the zod schema accepts and
 * to produce identical values. Only the rejection *reason* is left to zod: it is
 * computed on the slow path (invalid cells), so zod stays the authority for messages.
 */

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** 1 for 0-9 and a-f, 2 for A-F, 0 otherwise (ASCII only). */
const HEX_CLASS = new Uint8Array(128);
for (const c of "0123456789abcdef") HEX_CLASS[c.charCodeAt(0)] = 1;
for (const c of "ABCDEF") HEX_CLASS[c.charCodeAt(0)] = 2;

function parseKey(raw: string): unknown {
  if (raw.length !== 64) return INVALID;
  let seen = 0;
  for (let i = 0; i < 64; i++) {
    const c = raw.charCodeAt(i);
    const cls = c < 128 ? HEX_CLASS[c]! : 0;
    if (cls === 0) return INVALID;
    seen |= cls;
  }
  return seen & 2 ? raw.toLowerCase() : raw;
}

const FLAG_VALUES = new Map<string, boolean>([...FLAG_TRUE.map((v) => [v, true] as const), ...FLAG_FALSE.map((v) => [v, false] as const)]);

function parseFlag(raw: string): unknown {
  // The overwhelmingly common spellings skip the lowercase allocation.
  switch (raw) {
    case "Y":
    case "1":
      return true;
    case "N":
    case "0":
      return false;
  }
  const value = FLAG_VALUES.get(raw.toLowerCase());
  return value === undefined ? INVALID : value;
}

const POW10 = [1, 10, 100, 1_000, 10_000];

/**
 * Parses `digits[.decimals]` (1 to `maxDecimals` decimals) without a regex or Number():
 * profiling showed those two as the largest cost per money cell. The result is
 * bit-identical to Number(raw): up to 15 digits the integer of all digits is exact,
 * and dividing it by 10^decimals is correctly rounded, as parsing is. Longer inputs
 * (out of range anyway) use Number(). Returns NaN for anything that is not this shape.
 */
function parseDecimal(raw: string, maxDecimals: number): number {
  const n = raw.length;
  let value = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = raw.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
  }
  if (i === 0) return Number.NaN;
  let decimals = 0;
  if (i < n) {
    if (raw.charCodeAt(i) !== 46) return Number.NaN;
    decimals = n - i - 1;
    if (decimals < 1 || decimals > maxDecimals) return Number.NaN;
    for (i++; i < n; i++) {
      const c = raw.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      value = value * 10 + c;
    }
  }
  if (n > 15) return Number(raw);
  return decimals === 0 ? value : value / POW10[decimals]!;
}

function parseMoney(raw: string): unknown {
  const value = parseDecimal(raw, 2);
  return value <= MONEY_MAX ? value : INVALID;
}

function rangedNumber(maxDecimals: number, min: number, max: number): CellParser {
  return (raw) => {
    const value = parseDecimal(raw, maxDecimals);
    // NaN fails both comparisons.
    return value >= min && value <= max ? value : INVALID;
  };
}

const yearValue = rangedNumber(0, YEAR_MIN, YEAR_MAX);
const parseYear: CellParser = (raw) => (raw.length === 4 ? yearValue(raw) : INVALID);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function parseDate(raw: string): unknown {
  if (raw.length !== 10 || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45) return INVALID;
  if (!isDigits(raw, 0, 4) || !isDigits(raw, 5, 7) || !isDigits(raw, 8, 10)) return INVALID;
  const year = Number(raw.slice(0, 4));
  const month = Number(raw.slice(5, 7));
  const day = Number(raw.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return INVALID;
  const maxDay = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > maxDay) return INVALID;
  return year >= YEAR_MIN && year <= YEAR_MAX ? raw : INVALID;
}

function parseMonth(raw: string): unknown {
  if (!PATTERNS.month.test(raw)) return INVALID;
  const year = Number(raw.slice(0, 4));
  return year >= YEAR_MIN && year <= YEAR_MAX ? raw : INVALID;
}

function matching(pattern: RegExp): CellParser {
  return (raw) => (pattern.test(raw) ? raw : INVALID);
}

function parseElg(raw: string): unknown {
  switch (raw) {
    case "1":
      return 1;
    case "2":
      return 2;
    case "3":
      return 3;
    case "A":
      return null;
    default:
      return INVALID;
  }
}

function baseParser(column: ColumnDef): CellParser {
  switch (column.kind) {
    case "key":
      return parseKey;
    case "flag":
      return parseFlag;
    case "money":
      return parseMoney;
    case "number":
      return rangedNumber(NUMBER_MAX_DECIMALS, column.min, column.max);
    case "int":
      return rangedNumber(0, column.min, column.max);
    case "year":
      return parseYear;
    case "date":
      return parseDate;
    case "month":
      return parseMonth;
    case "urn":
      return matching(PATTERNS.urn);
    case "text-code":
      return matching(column.pattern);
    case "enum": {
      const allowed = new Set<string>(column.values);
      return (raw) => (allowed.has(raw) ? raw : INVALID);
    }
    case "elg":
      return parseElg;
  }
}

/** Fast parser of one cell, equivalent to {@link columnSchema}: normalised value or {@link INVALID}. */
export function cellParser(column: ColumnDef): CellParser {
  const base = baseParser(column);
  if (!column.optional) return base;
  return (raw) => (raw === "" ? null : base(raw));
}

export interface FieldFailure {
  readonly rule: FieldRuleCode;
  readonly expected: string;
}

/** Why a cell is invalid, as zod reports it (slow path: only called for invalid cells). */
export function explainCell(column: ColumnDef, raw: string): FieldFailure {
  const result = columnSchema(column).safeParse(raw);
  const message = result.success ? "invalid-format" : (result.error.issues[0]?.message ?? "invalid-format");
  const rule =
    (["required", "invalid-format", "not-a-real-date", "out-of-range", "not-allowed-value"] as const).find((r) => r === message) ?? "invalid-format";
  if (rule === "not-a-real-date") return { rule, expected: `a date that exists in the calendar: ${expectedFormat(column)}` };
  return { rule, expected: rule === "required" ? "a value: this column is required" : expectedFormat(column) };
}

export interface CrossFieldFailure {
  readonly column: string;
  readonly rule: CrossFieldRuleCode;
  readonly expected: string;
}

export type CompiledResult =
  | { readonly ok: true; readonly row: Record<string, unknown> }
  | {
      readonly ok: false;
      /** Indexes (in dataset column order) of cells that failed on their own. */
      readonly invalidColumns: readonly number[];
      readonly crossField: readonly CrossFieldFailure[];
      /** The cells that did parse, so a caller can still inspect them. */
      readonly partial: Record<string, unknown>;
    };

export interface CompiledDataset {
  readonly def: DatasetDef;
  readonly columns: readonly ColumnDef[];
  readonly parsers: readonly CellParser[];
  /** Validates cells given in dataset column order. */
  validate(cells: readonly string[]): CompiledResult;
}

/**
 * A function building the row object from values in column order. Generated because
 * an object literal gets its final shape at once, where 20-odd keyed stores walk the
 * hidden-class transitions and go megamorphic; names come from the registry and are
 * quoted with JSON.stringify, so no outside text reaches the generated source.
 */
function rowBuilder(names: readonly string[]): (values: readonly unknown[]) => Record<string, unknown> {
  const body = `return {${names.map((n, i) => `${JSON.stringify(n)}: v[${i}]`).join(", ")}};`;
  return new Function("v", body) as (values: readonly unknown[]) => Record<string, unknown>;
}

function partialRow(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) if (values[i] !== INVALID) row[names[i]!] = values[i];
  return row;
}

/**
 * Builds the fast validator of a dataset for one upload context. Agrees with
 * {@link rowSchema}: same accepted rows, same normalised values, same errors.
 */
export function compileDataset(id: DatasetId, context: RowContext = {}): CompiledDataset {
  // Runs the same context check as the schema (throws for a missing period).
  rowSchema(id, context);
  const def = getDataset(id);
  const columns = def.columns;
  const names = columns.map((c) => c.name);
  const parsers = columns.map(cellParser);
  const width = columns.length;
  const rules = def.rules.map((rule) => ({
    rule,
    reads: rule.reads.map((name) => names.indexOf(name)),
  }));
  const ruleContext: RowContext = def.needsPeriod ? { period: context.period } : {};

  const buildRow = rowBuilder(names);
  const values: unknown[] = new Array<unknown>(width).fill(null);

  function validate(cells: readonly string[]): CompiledResult {
    let invalid: number[] | null = null;
    for (let i = 0; i < width; i++) {
      const value = parsers[i]!(cells[i]!);
      if (value === INVALID) (invalid ??= []).push(i);
      values[i] = value;
    }
    const row = invalid === null ? buildRow(values) : partialRow(names, values);
    let crossField: CrossFieldFailure[] | null = null;
    for (const { rule, reads } of rules) {
      if (invalid !== null && reads.some((i) => invalid.includes(i))) continue;
      const expected = rule.check(row as never, ruleContext);
      if (expected !== null) (crossField ??= []).push({ column: rule.column, rule: rule.code, expected });
    }
    if (invalid === null && crossField === null) return { ok: true, row };
    return { ok: false, invalidColumns: invalid ?? [], crossField: crossField ?? [], partial: row };
  }

  return { def, columns, parsers, validate };
}
