import "server-only";
import { DisclosureError } from "./errors";
import { valueKey } from "./space";
import { DEFAULT_THRESHOLD, type Condition, type DimensionValue, type PublicationRequest } from "./types";

/** A condition resolved against the declared domains: dimension → allowed values, in domain order. */
export type ResolvedCondition = ReadonlyMap<string, readonly DimensionValue[]>;

export interface ResolvedTable {
  readonly id: string;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly filter: ResolvedCondition;
  readonly measure: "count" | "percentage";
  readonly numerator: ResolvedCondition;
  readonly totals: boolean;
}

export interface ResolvedRequest {
  readonly threshold: number;
  readonly dimensions: ReadonlyMap<string, readonly DimensionValue[]>;
  /** Per unit cell, the domain index of its value for each dimension, in `dimensions` order. */
  readonly cells: readonly { readonly indices: readonly number[]; readonly count: number }[];
  readonly structuralZeros: readonly ResolvedCondition[];
  readonly tables: readonly ResolvedTable[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isDimensionValue(value: unknown): value is DimensionValue {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function resolveCondition(
  condition: Condition | undefined,
  dimensions: ReadonlyMap<string, readonly DimensionValue[]>,
  where: string,
  code: "invalid-table" | "invalid-base",
): ResolvedCondition {
  const resolved = new Map<string, readonly DimensionValue[]>();
  if (condition === undefined) return resolved;
  if (!isPlainObject(condition)) throw new DisclosureError(code, `${where} must be an object.`);
  for (const [dim, raw] of Object.entries(condition)) {
    const domain = dimensions.get(dim);
    if (domain === undefined) throw new DisclosureError(code, `${where} refers to undeclared dimension "${dim}".`, { dim });
    const wanted = Array.isArray(raw) ? (raw as readonly unknown[]) : [raw];
    if (wanted.length === 0) throw new DisclosureError(code, `${where} lists no values for "${dim}".`, { dim });
    const keys = new Set<string>();
    for (const value of wanted) {
      if (!isDimensionValue(value) || !domain.some((v) => valueKey(v) === valueKey(value))) {
        throw new DisclosureError(code, `${where} uses a value outside the domain of "${dim}".`, { dim, value });
      }
      keys.add(valueKey(value));
    }
    resolved.set(
      dim,
      domain.filter((v) => keys.has(valueKey(v))),
    );
  }
  return resolved;
}

function resolveAxis(raw: unknown, dimensions: ReadonlyMap<string, readonly DimensionValue[]>, id: string): readonly string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new DisclosureError("invalid-table", `Table "${id}" axes must be arrays.`, { id });
  for (const dim of raw as unknown[]) {
    if (typeof dim !== "string" || !dimensions.has(dim)) {
      throw new DisclosureError("invalid-table", `Table "${id}" groups by undeclared dimension "${String(dim)}".`, { id, dim });
    }
  }
  return raw as string[];
}

/** Checks plain-data input exhaustively, because specs may arrive from JSON, not only from typed code. */
export function resolveRequest(request: PublicationRequest): ResolvedRequest {
  if (!isPlainObject(request)) throw new DisclosureError("invalid-table", "The publication request must be an object.");
  const threshold = request.threshold ?? DEFAULT_THRESHOLD;
  if (!Number.isSafeInteger(threshold) || threshold < 1) {
    throw new DisclosureError("invalid-threshold", "The threshold must be a positive integer.", { threshold });
  }

  const base = request.base as unknown;
  if (!isPlainObject(base) || !isPlainObject(base.dimensions) || !Array.isArray(base.cells)) {
    throw new DisclosureError("invalid-base", "The base needs `dimensions` and `cells`.");
  }
  const dimensions = new Map<string, readonly DimensionValue[]>();
  for (const [dim, domain] of Object.entries(base.dimensions)) {
    if (dim.length === 0 || !Array.isArray(domain) || domain.length === 0) {
      throw new DisclosureError("invalid-base", `Dimension "${dim}" needs a non-empty domain.`, { dim });
    }
    const seen = new Set<string>();
    for (const value of domain as unknown[]) {
      if (!isDimensionValue(value)) throw new DisclosureError("invalid-base", `Dimension "${dim}" has an invalid value.`, { dim, value });
      if (seen.has(valueKey(value))) throw new DisclosureError("invalid-base", `Dimension "${dim}" repeats a value.`, { dim, value });
      seen.add(valueKey(value));
    }
    dimensions.set(dim, domain as DimensionValue[]);
  }

  // Map keys compare with SameValueZero, so 1, "1" and true stay distinct without string keys.
  const domainIndex = [...dimensions].map(([dim, domain]) => ({ dim, index: new Map(domain.map((v, k) => [v, k])) }));
  const cells: { indices: number[]; count: number }[] = [];
  const seenCells = new Set<string>();
  for (const cell of base.cells as unknown[]) {
    if (!isPlainObject(cell) || !isPlainObject(cell.values)) {
      throw new DisclosureError("invalid-base", "Every unit cell needs `values` and `count`.");
    }
    const count = cell.count;
    if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
      throw new DisclosureError("invalid-base", "Unit cell counts must be non-negative integers.", { count });
    }
    const values = cell.values;
    const indices = domainIndex.map(({ dim, index }) => {
      const k = index.get(values[dim] as DimensionValue);
      if (k === undefined) throw new DisclosureError("invalid-base", `A unit cell has no valid value for "${dim}".`, { dim, value: values[dim] });
      return k;
    });
    if (Object.keys(values).length !== dimensions.size) {
      const dim = Object.keys(values).find((d) => !dimensions.has(d));
      throw new DisclosureError("invalid-base", `A unit cell uses undeclared dimension "${String(dim)}".`, { dim });
    }
    // Two rows for one combination mean the data layer did not aggregate; summing them here
    // would hide that bug, so refuse.
    const key = indices.join(",");
    if (seenCells.has(key)) throw new DisclosureError("invalid-base", "Two unit cells share the same combination.", { values });
    seenCells.add(key);
    cells.push({ indices, count });
  }

  const rawZeros = base.structuralZeros;
  if (rawZeros !== undefined && !Array.isArray(rawZeros)) {
    throw new DisclosureError("invalid-base", "`structuralZeros` must be an array of conditions.");
  }
  const structuralZeros = ((rawZeros ?? []) as Condition[]).map((c, i) => {
    const resolved = resolveCondition(c, dimensions, `Structural zero ${i}`, "invalid-base");
    if (resolved.size === 0) throw new DisclosureError("invalid-base", "A structural zero must restrict some dimension.");
    return resolved;
  });
  const names = [...dimensions.keys()];
  for (const cell of cells) {
    if (cell.count === 0 || structuralZeros.length === 0) continue;
    const values = new Map(
      names.map((dim, d) => [dim, (dimensions.get(dim) as readonly DimensionValue[])[cell.indices[d] as number] as DimensionValue]),
    );
    if (structuralZeros.some((z) => matches(z, values))) {
      throw new DisclosureError("invalid-base", "A declared structural zero has a non-zero count.", {
        values: Object.fromEntries(values),
      });
    }
  }

  if (!Array.isArray(request.tables) || request.tables.length === 0) {
    throw new DisclosureError("invalid-table", "A publication needs at least one table.");
  }
  const ids = new Set<string>();
  const tables = request.tables.map((spec): ResolvedTable => {
    if (!isPlainObject(spec) || typeof spec.id !== "string" || spec.id.length === 0) {
      throw new DisclosureError("invalid-table", "Every table needs a non-empty string id.");
    }
    const id = spec.id;
    if (ids.has(id)) throw new DisclosureError("invalid-table", `Table id "${id}" is used twice.`, { id });
    ids.add(id);
    const rows = resolveAxis(spec.rows, dimensions, id);
    const columns = resolveAxis(spec.columns, dimensions, id);
    const axes = [...rows, ...columns];
    if (new Set(axes).size !== axes.length) {
      throw new DisclosureError("invalid-table", `Table "${id}" uses a dimension on more than one axis position.`, { id });
    }
    const filter = resolveCondition(spec.filter as Condition | undefined, dimensions, `Filter of table "${id}"`, "invalid-table");
    const measure = spec.measure as unknown;
    if (!isPlainObject(measure) || (measure.kind !== "count" && measure.kind !== "percentage")) {
      // Anything else (mean, median, min, max, ...) is refused rather than ignored: a minimum or
      // maximum is a single person's value.
      throw new DisclosureError("unsupported-measure", `Table "${id}" asks for a measure other than a count or a percentage.`, {
        id,
        kind: isPlainObject(measure) ? measure.kind : undefined,
      });
    }
    let numerator: ResolvedCondition = new Map();
    if (measure.kind === "percentage") {
      numerator = resolveCondition(measure.numerator as Condition | undefined, dimensions, `Numerator of table "${id}"`, "invalid-table");
      if (numerator.size === 0) {
        throw new DisclosureError("invalid-table", `Percentage table "${id}" needs a numerator condition.`, { id });
      }
    }
    if (spec.totals !== undefined && typeof spec.totals !== "boolean") {
      throw new DisclosureError("invalid-table", `Table "${id}" totals must be a boolean.`, { id });
    }
    return { id, rows, columns, filter, measure: measure.kind, numerator, totals: spec.totals === true };
  });

  return { threshold, dimensions, cells, structuralZeros, tables };
}

export function matches(condition: ResolvedCondition, values: ReadonlyMap<string, DimensionValue>): boolean {
  for (const [dim, allowed] of condition) {
    const value = values.get(dim);
    if (value === undefined || !allowed.some((v) => valueKey(v) === valueKey(value))) return false;
  }
  return true;
}
