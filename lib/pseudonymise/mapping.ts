import { z } from "zod";
import { getDataset, isDatasetId, type DatasetDef, type DatasetId } from "@/lib/datasets/registry";
import { sortHeadings, type HeadingOrder } from "./openpseudonymiser";

/*
 * The mapping from a partner's raw extract to a dataset of the data specification: which of their
 * columns make each key (and under which digest heading), which pass through (renamed, or turned
 * into the coarse value the specification allows), and which are dropped. The same JSON is saved
 * and loaded by the page and read by `npm run pseudonymise`. Pure: runs in the browser and Node.
 */

export const MAPPING_FORMAT = "essex-pseudonymise-mapping/1";

export const DATE_FORMATS = ["YYYY-MM-DD", "DD/MM/YYYY", "DD-MM-YYYY", "DD.MM.YYYY", "MM/DD/YYYY", "YYYYMMDD"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/**
 * Digest headings the Essex partners agree on. The tool concatenates values in the alphabetical
 * order of their headings, so two partners whose own columns are called "Postcode" and "post_code"
 * must both hash under the same heading or their keys never meet.
 */
export const AGREED_HEADINGS = {
  address: ["address_line_1", "address_line_2", "address_line_3", "postcode", "uprn"],
  person: ["forename", "surname", "date_of_birth", "gender", "nhs_number"],
  family: ["family_reference"],
} as const;

export const TRANSFORMS = ["none", "uppercase", "nhs-number", "date"] as const;
export type Transform = (typeof TRANSFORMS)[number];

const dateFormat = z.enum(DATE_FORMATS, { error: `a date format, one of ${DATE_FORMATS.join(", ")}` });
const columnName = z.string().trim().min(1, { error: "a column name of your file" });

const identifierSchema = z
  .object({
    heading: z.string().trim().min(1, { error: "the digest heading (for example postcode)" }),
    column: columnName,
    transform: z.enum(TRANSFORMS).optional(),
    date: dateFormat.optional(),
  })
  .strict()
  .refine((i) => i.transform !== "date" || i.date !== undefined, { error: "a date identifier needs its date format", path: ["date"] });

const sourceSchema = z.union([
  z.object({ column: columnName }).strict(),
  z.object({ derive: z.enum(["date", "month"]), column: columnName, date: dateFormat }).strict(),
  z
    .object({
      derive: z.literal("age-band"),
      column: columnName,
      date: dateFormat,
      at: z.union([z.object({ column: columnName, date: dateFormat }).strict(), z.object({ fixed: z.iso.date() }).strict()]),
    })
    .strict(),
  z.object({ constant: z.string() }).strict(),
]);

export const mappingSchema = z
  .object({
    format: z.literal(MAPPING_FORMAT, { error: `the format marker "${MAPPING_FORMAT}"` }),
    dataset: z.string(),
    headingOrder: z.enum(["culture", "java"]).optional(),
    keys: z.record(z.string(), z.array(identifierSchema)),
    columns: z.record(z.string(), sourceSchema),
    drop: z.array(z.string()).optional(),
  })
  .strict();

export type Mapping = z.infer<typeof mappingSchema>;
export type IdentifierSpec = z.infer<typeof identifierSchema>;
export type ColumnSource = z.infer<typeof sourceSchema>;

export class MappingError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join(" "));
    this.name = "MappingError";
  }
}

function pathLabel(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "the mapping" : path.map(String).join(".");
}

/** Parses mapping JSON text; every problem is listed, in plain words. */
export function parseMapping(text: string): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MappingError(["The mapping file is not JSON. Save the mapping from the Pseudonymise page, or write it as the documentation shows."]);
  }
  const result = mappingSchema.safeParse(json);
  if (!result.success) {
    throw new MappingError(result.error.issues.map((i) => `${pathLabel(i.path)}: expected ${i.message}.`));
  }
  return result.data;
}

export interface KeyPlan {
  readonly column: string;
  /** Identifiers in digest order (alphabetical by heading, as the tool sorts them). */
  readonly identifiers: readonly IdentifierSpec[];
}

export interface MappingPlan {
  readonly mapping: Mapping;
  readonly dataset: DatasetDef;
  readonly headingOrder: HeadingOrder;
  /** One entry per dataset column, in specification order. */
  readonly outputs: readonly ({ kind: "key"; key: KeyPlan } | { kind: "value"; source: ColumnSource | null })[];
  /** Every column of the partner's file the mapping reads. */
  readonly sourceColumns: readonly string[];
}

function sourceColumnsOf(source: ColumnSource): string[] {
  if ("constant" in source) return [];
  if ("derive" in source && source.derive === "age-band" && "column" in source.at) return [source.column, source.at.column];
  return [source.column];
}

/**
 * Checks a mapping against its dataset: every key column has identifiers, every required column a
 * source, nothing maps to a column the dataset does not have. Throws {@link MappingError}.
 */
export function planMapping(mapping: Mapping): MappingPlan {
  if (!isDatasetId(mapping.dataset)) {
    throw new MappingError([`The mapping is for the dataset "${mapping.dataset.slice(0, 40)}", which the data specification does not have.`]);
  }
  const dataset = getDataset(mapping.dataset as DatasetId);
  const headingOrder = mapping.headingOrder ?? "culture";
  const problems: string[] = [];
  const names = new Set(dataset.columns.map((c) => c.name));
  for (const k of Object.keys(mapping.keys)) {
    if (!names.has(k)) problems.push(`keys.${k}: ${dataset.title} has no column ${k}.`);
    else if (dataset.columns.find((c) => c.name === k)!.kind !== "key") problems.push(`keys.${k}: ${k} is not a key column; map it under "columns".`);
  }
  for (const k of Object.keys(mapping.columns)) {
    if (!names.has(k)) problems.push(`columns.${k}: ${dataset.title} has no column ${k}.`);
    else if (dataset.columns.find((c) => c.name === k)!.kind === "key")
      problems.push(`columns.${k}: ${k} is a key: say which identifiers make it under "keys".`);
  }
  const outputs: MappingPlan["outputs"][number][] = [];
  for (const column of dataset.columns) {
    if (column.kind === "key") {
      const identifiers = mapping.keys[column.name] ?? [];
      if (identifiers.length === 0) {
        problems.push(`The mapping does not say which of your columns make ${column.name}: choose at least one identifier column for it.`);
        continue;
      }
      const headings = identifiers.map((i) => i.heading);
      const repeated = headings.filter((h, i) => headings.indexOf(h) !== i);
      if (repeated.length > 0)
        problems.push(`keys.${column.name}: the digest heading ${repeated[0]} is used twice; each identifier needs its own heading.`);
      const order = sortHeadings(headings, headingOrder);
      outputs.push({ kind: "key", key: { column: column.name, identifiers: order.map((h) => identifiers.find((i) => i.heading === h)!) } });
    } else {
      const source = mapping.columns[column.name] ?? null;
      if (source === null && !column.optional) {
        problems.push(`The mapping gives no source for ${column.name}, which ${dataset.title} requires.`);
      }
      outputs.push({ kind: "value", source });
    }
  }
  if (problems.length > 0) throw new MappingError(problems);
  const sourceColumns = new Set<string>();
  for (const o of outputs) {
    if (o.kind === "key") for (const i of o.key.identifiers) sourceColumns.add(i.column);
    else if (o.source) for (const c of sourceColumnsOf(o.source)) sourceColumns.add(c);
  }
  return { mapping, dataset, headingOrder, outputs, sourceColumns: [...sourceColumns] };
}

/** A blank mapping for a dataset, the starting point of the page's form. */
export function emptyMapping(dataset: string): Mapping {
  return { format: MAPPING_FORMAT, dataset, keys: {}, columns: {}, drop: [] };
}

/* ---------- dates and coarse values ---------- */

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface YMD {
  readonly y: number;
  readonly m: number;
  readonly d: number;
}

/** Reads digits s[from, to) as a number; -1 when any is not a digit or the range is empty. */
function digits(s: string, from: number, to: number): number {
  if (to <= from) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const MIDNIGHT = /^ +0?0:00(:00)?$/;

/**
 * Reads a date written in `format`; surrounding blanks and a midnight time (as Excel writes
 * "29/11/1973 00:00") are ignored. `null` when it is not a real calendar date. Character-level,
 * not regular expressions: it runs for every date cell of every row.
 */
export function parseDate(raw: string, format: DateFormat): YMD | null {
  let s = raw;
  if (s.length === 0) return null;
  if (s.charCodeAt(0) <= 32 || s.charCodeAt(s.length - 1) <= 32) s = s.trim();
  const space = s.indexOf(" ");
  if (space > 0) {
    if (!MIDNIGHT.test(s.slice(space))) return null;
    s = s.slice(0, space);
  }
  let y: number;
  let m: number;
  let d: number;
  if (format === "YYYYMMDD") {
    if (s.length !== 8) return null;
    [y, m, d] = [digits(s, 0, 4), digits(s, 4, 6), digits(s, 6, 8)];
  } else {
    const sep = format === "YYYY-MM-DD" ? "-" : format[2]!;
    const a = s.indexOf(sep);
    const b = a < 0 ? -1 : s.indexOf(sep, a + 1);
    if (a < 0 || b < 0 || s.indexOf(sep, b + 1) >= 0) return null;
    if (format === "YYYY-MM-DD") {
      if (a !== 4 || b - a > 3 || s.length - b > 3) return null;
      [y, m, d] = [digits(s, 0, 4), digits(s, a + 1, b), digits(s, b + 1, s.length)];
    } else {
      if (a > 2 || b - a > 3 || s.length - b !== 5) return null;
      const first = digits(s, 0, a);
      const second = digits(s, a + 1, b);
      y = digits(s, b + 1, s.length);
      [d, m] = format === "MM/DD/YYYY" ? [second, first] : [first, second];
    }
  }
  if (y < 0 || m < 1 || m > 12 || d < 1) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (d > (m === 2 && leap ? 29 : DAYS[m - 1]!)) return null;
  return { y, m, d };
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
export const isoDate = (v: YMD) => `${pad(v.y, 4)}-${pad(v.m, 2)}-${pad(v.d, 2)}`;
export const isoMonth = (v: YMD) => `${pad(v.y, 4)}-${pad(v.m, 2)}`;

/** Age in completed years on `at`; negative when born after it. */
export function ageOn(birth: YMD, at: YMD): number {
  let age = at.y - birth.y;
  if (at.m < birth.m || (at.m === birth.m && at.d < birth.d)) age--;
  return age;
}

/** The Troubled Families age bands of the data specification. */
export function ageBand(age: number): string | null {
  if (age < 0) return null;
  if (age <= 4) return "0-4";
  if (age <= 10) return "5-10";
  if (age <= 15) return "11-15";
  if (age <= 17) return "16-17";
  if (age <= 24) return "18-24";
  if (age <= 49) return "25-49";
  return "50+";
}
