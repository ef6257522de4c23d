import "server-only";
import { csvRow } from "@/lib/csv";
import { expectedFormat, sqlTypeOf, type ColumnDef, type ColumnKind } from "@/lib/datasets/columns";
import { DATASET_IDS, SPEC_VERSION, getDataset, type DatasetId, type Supplier } from "@/lib/datasets/registry";

/** JSON-serialisable description of one column, for the specification page. */
export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly optional: boolean;
  /** True for pseudonym columns: their values are never shown back in reports. */
  readonly key: boolean;
  readonly description: string;
  /** What a valid cell looks like, in words. */
  readonly format: string;
  /** Allowed values, for enumerations, flags and EYFSP scores. */
  readonly values: readonly string[] | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Regular expression source, for text codes. */
  readonly pattern: string | null;
  readonly sqlType: string;
  /** A valid example cell (keys are made-up digests). */
  readonly example: string;
}

export interface DatasetSpec {
  readonly specVersion: number;
  readonly id: DatasetId;
  readonly title: string;
  readonly supplier: Supplier;
  readonly grain: string;
  readonly columns: readonly ColumnSpec[];
  readonly unique: { readonly columns: readonly string[]; readonly description: string } | null;
  readonly rules: readonly { readonly code: string; readonly column: string; readonly description: string }[];
  /** Rules across the rows of a file and across batches, in words. */
  readonly rowRules: readonly string[];
  /** Whether uploads name the 6-monthly batch (troubled families). */
  readonly needsPeriod: boolean;
  readonly templateFileName: string;
}

const EXAMPLE_KEYS = [
  "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
  "fd61a03af4f77d870fc21e05e7e80678095c92d808cfb3b5c279ee04c74aca13",
];

/** Example period used in templates of datasets that need one. */
export const EXAMPLE_PERIOD = "2016-H1";

function exampleCell(column: ColumnDef, keyIndex: number): string {
  switch (column.kind) {
    case "key":
      return EXAMPLE_KEYS[keyIndex % EXAMPLE_KEYS.length]!;
    case "flag":
      // Troubled-families rows must meet two criteria: the example meets the first two.
      return column.name === "school_ready" || column.name === "crit_crime_asb" || column.name === "crit_education" ? "Y" : "N";
    case "money":
      return "0.00";
    case "number":
      return String(column.min);
    case "int":
      return String(column.min);
    case "date":
      return "2016-01-04";
    case "month":
      return "2011-03";
    case "year":
      return "2016";
    case "urn":
      return "115000";
    case "elg":
      return "2";
    case "enum":
      return column.values[0]!;
    case "text-code":
      return column.name === "batch_period" ? EXAMPLE_PERIOD : "VANGE";
  }
}

function valuesOf(column: ColumnDef): readonly string[] | null {
  switch (column.kind) {
    case "enum":
      return column.values;
    case "flag":
      return ["Y", "N"];
    case "elg":
      return ["1", "2", "3", "A"];
    default:
      return null;
  }
}

function columnSpec(column: ColumnDef, keyIndex: number): ColumnSpec {
  const ranged = column.kind === "int" || column.kind === "number";
  return {
    name: column.name,
    kind: column.kind,
    optional: column.optional,
    key: column.kind === "key",
    description: column.description,
    format: expectedFormat(column),
    values: valuesOf(column),
    min: ranged ? column.min : null,
    max: ranged ? column.max : null,
    pattern: column.kind === "text-code" ? column.pattern.source : null,
    sqlType: sqlTypeOf(column),
    example: exampleCell(column, keyIndex),
  };
}

/** Everything the specification page shows for a dataset. */
export function describeDataset(id: DatasetId): DatasetSpec {
  const def = getDataset(id);
  let keyIndex = 0;
  return {
    specVersion: SPEC_VERSION,
    id: def.id,
    title: def.title,
    supplier: def.supplier,
    grain: def.grain,
    columns: def.columns.map((c) => columnSpec(c, c.kind === "key" ? keyIndex++ : 0)),
    unique: def.unique,
    rules: def.rules.map((r) => ({ code: r.code, column: r.column, description: r.description })),
    rowRules: [...(def.unique ? [def.unique.description] : []), ...(def.consistent ?? []).map((r) => r.description), ...(def.batchNotes ?? [])],
    needsPeriod: def.needsPeriod,
    templateFileName: `${id}-template-v${SPEC_VERSION}.csv`,
  };
}

export function describeAllDatasets(): DatasetSpec[] {
  return DATASET_IDS.map(describeDataset);
}

/**
 * The downloadable CSV template: the header row, and with `example: true` one valid
 * example row (made-up digests), so partners can check their export tool's output.
 */
export function csvTemplate(id: DatasetId, options: { example?: boolean } = {}): string {
  const spec = describeDataset(id);
  let text = csvRow(spec.columns.map((c) => c.name));
  // The example row has every flag N (except school_ready), so the risk categories the
  // police rules tie to asb_address / dv_victim_address must be empty there.
  if (options.example) text += csvRow(spec.columns.map((c) => (c.name.endsWith("_risk_category") ? "" : c.example)));
  return text;
}
