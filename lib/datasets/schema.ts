import { z } from "zod";
import { ELG_VALUES, FLAG_FALSE, FLAG_TRUE, MONEY_MAX, NUMBER_MAX_DECIMALS, YEAR_MAX, YEAR_MIN, type ColumnDef } from "@/lib/datasets/columns";
import {
  BATCH_PERIOD_PATTERN,
  DATASETS,
  getDataset,
  type CrossFieldRuleCode,
  type DatasetDef,
  type DatasetId,
  type RowContext,
  type RowOf,
} from "@/lib/datasets/registry";

/**
 * Rule codes of a single cell. Every zod check below carries its code as the issue
 * message, so an issue maps to a code without parsing English text.
 */
export type FieldRuleCode = "required" | "invalid-format" | "not-a-real-date" | "out-of-range" | "not-allowed-value";
export type RowRuleCode = FieldRuleCode | CrossFieldRuleCode | "duplicate" | "inconsistent";

export const FIELD_RULE_CODES: readonly FieldRuleCode[] = ["required", "invalid-format", "not-a-real-date", "out-of-range", "not-allowed-value"];

/** A raw CSV row keyed by (normalised) column name. */
export type RawRow = Readonly<Record<string, string>>;

const FORMAT = { error: "invalid-format", abort: true } as const;
const RANGE = { error: "out-of-range", abort: true } as const;
const NOT_ALLOWED = { error: "not-allowed-value", abort: true } as const;

export const PATTERNS = {
  key: /^[0-9A-Fa-f]{64}$/,
  money: /^\d+(?:\.\d{1,2})?$/,
  number: new RegExp(`^\\d+(?:\\.\\d{1,${NUMBER_MAX_DECIMALS}})?$`),
  int: /^\d+$/,
  year: /^\d{4}$/,
  month: /^\d{4}-(?:0[1-9]|1[0-2])$/,
  urn: /^\d{6}$/,
} as const;

const yearInRange = (text: string) => {
  const year = Number(text.slice(0, 4));
  return year >= YEAR_MIN && year <= YEAR_MAX;
};

const present = () => z.string().min(1, { error: "required", abort: true });

function baseSchema(column: ColumnDef): z.ZodType<unknown, string> {
  switch (column.kind) {
    case "key":
      return present()
        .regex(PATTERNS.key, FORMAT)
        .transform((s) => s.toLowerCase());
    case "flag":
      return present().pipe(z.stringbool({ truthy: [...FLAG_TRUE], falsy: [...FLAG_FALSE], case: "insensitive", error: "invalid-format" }));
    case "money":
      return present().regex(PATTERNS.money, FORMAT).transform(Number).pipe(z.number().min(0, RANGE).max(MONEY_MAX, RANGE));
    case "number":
      return present().regex(PATTERNS.number, FORMAT).transform(Number).pipe(z.number().min(column.min, RANGE).max(column.max, RANGE));
    case "int":
      return present().regex(PATTERNS.int, FORMAT).transform(Number).pipe(z.number().min(column.min, RANGE).max(column.max, RANGE));
    case "year":
      return present().regex(PATTERNS.year, FORMAT).transform(Number).pipe(z.number().min(YEAR_MIN, RANGE).max(YEAR_MAX, RANGE));
    case "date":
      // The shape first, then the calendar: 2016-02-30 has the right format but is not a real date,
      // and the partner is told so rather than "wrong format".
      return present()
        .regex(/^\d{4}-\d{2}-\d{2}$/, FORMAT)
        .pipe(z.iso.date({ error: "not-a-real-date", abort: true }))
        .refine(yearInRange, RANGE);
    case "month":
      return present().regex(PATTERNS.month, FORMAT).refine(yearInRange, RANGE);
    case "urn":
      return present().regex(PATTERNS.urn, FORMAT);
    case "text-code":
      return present().regex(column.pattern, FORMAT);
    case "enum":
      return present().pipe(z.enum(column.values as [string, ...string[]], NOT_ALLOWED));
    case "elg":
      return present()
        .pipe(z.enum(ELG_VALUES, NOT_ALLOWED))
        .transform((v) => (v === "A" ? null : (Number(v) as 1 | 2 | 3)));
  }
}

/** Zod schema of one cell: raw CSV text in, normalised value out. */
export function columnSchema(column: ColumnDef): z.ZodType<unknown, unknown> {
  const base = baseSchema(column);
  return column.optional ? z.preprocess((v) => (v === "" ? null : v), base.nullable()) : base;
}

function checkContext(def: DatasetDef, context: RowContext): void {
  if (!def.needsPeriod) return;
  if (context.period === undefined || !BATCH_PERIOD_PATTERN.test(context.period)) {
    throw new TypeError(`${def.id} rows can only be validated for a batch period (YYYY-H1 or YYYY-H2)`);
  }
}

function buildRowSchema(def: DatasetDef, context: RowContext) {
  const shape: Record<string, z.ZodType<unknown, unknown>> = {};
  for (const column of def.columns) shape[column.name] = columnSchema(column);
  return z.strictObject(shape).superRefine((row, ctx) => {
    for (const rule of def.rules) {
      const expected = rule.check(row as never, context);
      if (expected !== null) ctx.addIssue({ code: "custom", message: rule.code, path: [rule.column], params: { expected } });
    }
  });
}

const schemaCache = new Map<string, z.ZodType>();

/**
 * The zod schema of one row of a dataset: the single definition of what a valid row is.
 * Troubled-families rows need `context.period`, the batch the file is uploaded as.
 */
export function rowSchema<Id extends DatasetId>(id: Id, context: RowContext = {}): z.ZodType<RowOf<Id>, RawRow> {
  const def = getDataset(id);
  checkContext(def, context);
  const cacheKey = def.needsPeriod ? `${id}|${context.period}` : id;
  let schema = schemaCache.get(cacheKey);
  if (!schema) {
    schema = buildRowSchema(def, def.needsPeriod ? { period: context.period } : {});
    // Periods are few (two a year), so the cache cannot grow without bound in practice.
    schemaCache.set(cacheKey, schema);
  }
  return schema as unknown as z.ZodType<RowOf<Id>, RawRow>;
}

/** The columns whose combined value must be unique in a file, as one comparable string. */
export function uniqueKeyOf(def: DatasetDef, row: Readonly<Record<string, unknown>>): string | null {
  if (!def.unique) return null;
  return def.unique.columns.map((c) => String(row[c])).join("|");
}

/**
 * A whole in-memory file (for small files and tests): every row plus the file-level
 * uniqueness rule. The streaming validator enforces the same rule without holding rows.
 */
export function fileSchema<Id extends DatasetId>(id: Id, context: RowContext = {}): z.ZodType<RowOf<Id>[], RawRow[]> {
  const def = getDataset(id);
  return z.array(rowSchema(id, context)).superRefine((rows, ctx) => {
    // Rows are checked in order, as the streaming validator does: a duplicate row is not also
    // counted for consistency, and a row's consistency is judged against the first row of its key.
    const seen = new Map<string, number>();
    const firstOf = (def.consistent ?? []).map(() => new Map<unknown, { index: number; value: unknown }>());
    rows.forEach((row, index) => {
      const r = row as Record<string, unknown>;
      if (def.unique) {
        const key = uniqueKeyOf(def, r)!;
        const first = seen.get(key);
        if (first !== undefined) {
          ctx.addIssue({ code: "custom", message: "duplicate", path: [index, def.unique.columns[0]!], params: { first } });
          return;
        }
        seen.set(key, index);
      }
      (def.consistent ?? []).forEach((rule, i) => {
        const key = typeof r[rule.key] === "string" ? (r[rule.key] as string).toLowerCase() : r[rule.key];
        const first = firstOf[i]!.get(key);
        if (first === undefined) firstOf[i]!.set(key, { index, value: r[rule.column] });
        else if (first.value !== r[rule.column]) {
          ctx.addIssue({ code: "custom", message: "inconsistent", path: [index, rule.column], params: { first: first.index } });
        }
      });
    });
  }) as unknown as z.ZodType<RowOf<Id>[], RawRow[]>;
}

export interface SchemaIssue {
  readonly column: string;
  readonly rule: RowRuleCode | "unknown-column";
}

const KNOWN_CODES = new Set<string>([
  ...FIELD_RULE_CODES,
  "duplicate",
  "inconsistent",
  ...Object.values(DATASETS).flatMap((d) => d.rules.map((r) => r.code)),
]);

/** Maps zod issues of {@link rowSchema} to (column, rule code) pairs. */
export function schemaIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((issue) => {
    const column = String(issue.path[issue.path.length - 1] ?? "");
    if (issue.code === "unrecognized_keys") return { column: issue.keys.join(","), rule: "unknown-column" };
    if (KNOWN_CODES.has(issue.message)) return { column, rule: issue.message as RowRuleCode };
    // A missing property (object built by hand rather than from a CSV row) is an absent cell.
    return { column, rule: issue.code === "invalid_type" ? "required" : "invalid-format" };
  });
}
