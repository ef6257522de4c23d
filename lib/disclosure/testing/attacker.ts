import "server-only";
import type { Base, CellValue, Condition, DimensionValue, ProtectedPublication, PublicationRequest, TableSpec } from "../types";
import { Fraction, RationalSystem } from "./rational";

/**
 * An independent intruder for the tests. It knows the declared categories, the structural zeros
 * and every number the publication shows, and nothing of the engine: it re-derives each cell's
 * group from the table spec, enumerates every combination of categories as an unknown count,
 * and solves the published equations exactly. A target is "derived" when every non-negative or
 * negative solution agrees on it, i.e. linear algebra alone pins it down.
 */

type Combo = Readonly<Record<string, DimensionValue>>;

function same(a: DimensionValue, b: DimensionValue): boolean {
  return a === b && typeof a === typeof b;
}

function satisfies(combo: Combo, condition: Condition | undefined): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([dim, want]) => {
    const value = combo[dim] as DimensionValue;
    return Array.isArray(want) ? (want as readonly DimensionValue[]).some((w) => same(w, value)) : same(want as DimensionValue, value);
  });
}

export function combos(base: Base): Combo[] {
  let out: Record<string, DimensionValue>[] = [{}];
  for (const [dim, domain] of Object.entries(base.dimensions)) {
    out = out.flatMap((c) => domain.map((v) => ({ ...c, [dim]: v })));
  }
  return out;
}

export function trueCounts(base: Base, all: readonly Combo[]): number[] {
  return all.map((combo) => {
    const cell = base.cells.find((c) => Object.entries(combo).every(([d, v]) => same(c.values[d] as DimensionValue, v)));
    return cell?.count ?? 0;
  });
}

export interface Target {
  readonly label: string;
  readonly indicator: readonly number[];
  readonly trueValue: number;
}

export interface AttackResult {
  /** Targets whose exact value the intruder recovered, with the value it recovered. */
  readonly derived: readonly { readonly target: Target; readonly value: number }[];
  readonly equations: number;
  readonly rank: number;
}

function cellGroup(spec: TableSpec, key: Readonly<Record<string, DimensionValue | null>>): (combo: Combo) => boolean {
  return (combo) => satisfies(combo, spec.filter) && Object.entries(key).every(([dim, v]) => v === null || same(combo[dim] as DimensionValue, v));
}

function roundedPercentage(n: number, d: number): number {
  // Independent of the engine's integer formula: exact rational comparison of 100n/d with the
  // half-up boundary, done in bigint.
  const scaled = (2000n * BigInt(n) + BigInt(d)) / (2n * BigInt(d));
  return Number(scaled) / 10;
}

/** Everything published, as equations over the combinations. */
export function publishedEquations(
  request: PublicationRequest,
  publication: ProtectedPublication,
  all: readonly Combo[],
): { coefficients: number[]; value: number }[] {
  const equations: { coefficients: number[]; value: number }[] = [];
  for (const zero of request.base.structuralZeros ?? []) {
    equations.push({ coefficients: all.map((c) => (satisfies(c, zero) ? 1 : 0)), value: 0 });
  }
  const count = (value: CellValue | undefined, group: (c: Combo) => boolean) => {
    if (value === undefined || value.suppressed || value.value === null) return;
    equations.push({ coefficients: all.map((c) => (group(c) ? 1 : 0)), value: value.value });
  };
  publication.tables.forEach((table, t) => {
    const spec = request.tables[t] as TableSpec;
    for (const cell of table.cells) {
      const group = cellGroup(spec, cell.key);
      if (spec.measure.kind === "count") {
        count(cell.value, group);
        continue;
      }
      const numeratorCondition = spec.measure.numerator;
      const numeratorGroup = (c: Combo) => group(c) && satisfies(c, numeratorCondition);
      count(cell.numerator, numeratorGroup);
      count(cell.denominator, group);
      // A percentage over a published denominator pins the numerator whenever only one integer
      // rounds to it; the intruder uses that even if the numerator itself were hidden.
      const p = cell.value;
      const d = cell.denominator;
      if (!p.suppressed && p.value !== null && d !== undefined && !d.suppressed && d.value !== null) {
        const candidates: number[] = [];
        for (let n = 0; n <= d.value; n++) if (roundedPercentage(n, d.value) === p.value) candidates.push(n);
        if (candidates.length === 1) {
          equations.push({ coefficients: all.map((c) => (numeratorGroup(c) ? 1 : 0)), value: candidates[0] as number });
        }
      }
    }
  });
  return equations;
}

export function attack(request: PublicationRequest, publication: ProtectedPublication, targets: readonly Target[]): AttackResult {
  const all = combos(request.base);
  const system = new RationalSystem(all.length);
  const equations = publishedEquations(request, publication, all);
  for (const e of equations) system.add(e.coefficients, e.value);
  const derived: { target: Target; value: number }[] = [];
  for (const target of targets) {
    const value: Fraction | null = system.derive(target.indicator);
    if (value !== null) derived.push({ target, value: value.toNumber() });
  }
  return { derived, equations: equations.length, rank: system.rank };
}

/** Every count the publication marks `[c]`. */
export function suppressedTargets(request: PublicationRequest, publication: ProtectedPublication): Target[] {
  const all = combos(request.base);
  const truth = trueCounts(request.base, all);
  const targets: Target[] = [];
  const push = (label: string, group: (c: Combo) => boolean) => {
    const indicator: number[] = all.map((c) => (group(c) ? 1 : 0));
    targets.push({ label, indicator, trueValue: indicator.reduce((s, x, i) => s + x * (truth[i] as number), 0) });
  };
  publication.tables.forEach((table, t) => {
    const spec = request.tables[t] as TableSpec;
    table.cells.forEach((cell, k) => {
      const group = cellGroup(spec, cell.key);
      const label = `${table.id}#${k} ${JSON.stringify(cell.key)}`;
      if (spec.measure.kind === "count") {
        if (cell.value.suppressed) push(`${label} count`, group);
        return;
      }
      const numeratorCondition = spec.measure.numerator;
      if (cell.numerator?.suppressed) push(`${label} numerator`, (c) => group(c) && satisfies(c, numeratorCondition));
      if (cell.denominator?.suppressed) push(`${label} denominator`, group);
    });
  });
  return targets;
}

/**
 * Small groups the publication must not let anyone derive although it never shows them: every
 * group describable with one table's dimensions (each either unrestricted or one category), and
 * each percentage cell's complement. Groups that are structurally empty are public knowledge
 * and left out.
 */
export function smallGroupTargets(request: PublicationRequest, threshold: number): Target[] {
  const all = combos(request.base);
  const truth = trueCounts(request.base, all);
  const structural = (c: Combo) => (request.base.structuralZeros ?? []).some((z) => satisfies(c, z));
  const targets = new Map<string, Target>();
  const consider = (label: string, indicator: number[]) => {
    if (indicator.every((x, i) => x === 0 || structural(all[i] as Combo))) return;
    const trueValue = indicator.reduce((s, x, i) => s + x * (truth[i] as number), 0);
    if (trueValue > threshold) return;
    const key = indicator.join("");
    if (!targets.has(key)) targets.set(key, { label, indicator, trueValue });
  };
  for (const spec of request.tables) {
    const dims = new Set<string>([
      ...(spec.rows ?? []),
      ...(spec.columns ?? []),
      ...Object.keys(spec.filter ?? {}),
      ...(spec.measure.kind === "percentage" ? Object.keys(spec.measure.numerator) : []),
    ]);
    let assignments: Record<string, DimensionValue>[] = [{}];
    for (const dim of dims) {
      const domain = request.base.dimensions[dim] as readonly DimensionValue[];
      assignments = assignments.flatMap((a) => [a, ...domain.map((v) => ({ ...a, [dim]: v }))]);
    }
    for (const a of assignments) {
      consider(
        `${spec.id} group ${JSON.stringify(a)}`,
        all.map((c) => (satisfies(c, a) ? 1 : 0)),
      );
    }
  }
  return [...targets.values()];
}

/**
 * For each line of each table (cells that differ only in one axis: a row, a column), the sum of
 * its suppressed counts when that sum is small. If such a sum were derivable, non-negativity
 * alone would bound every cell in it by the sum (and pin them all when it is 0).
 */
export function suppressedLineSumTargets(request: PublicationRequest, publication: ProtectedPublication, threshold: number): Target[] {
  const all = combos(request.base);
  const truth = trueCounts(request.base, all);
  const targets: Target[] = [];
  publication.tables.forEach((table, t) => {
    const spec = request.tables[t] as TableSpec;
    const rows = spec.rows ?? [];
    const columns = spec.columns ?? [];
    const parts: ("value" | "numerator" | "denominator")[] = spec.measure.kind === "count" ? ["value"] : ["numerator", "denominator"];
    const numeratorCondition = spec.measure.kind === "percentage" ? spec.measure.numerator : undefined;
    const lines = new Map<string, { part: string; indicator: number[]; value: number; members: number }>();
    for (const cell of table.cells) {
      const rowTotal = rows.some((d) => cell.key[d] === null);
      const colTotal = columns.some((d) => cell.key[d] === null);
      const axes: string[] = [];
      if (rows.length > 0 && !rowTotal) axes.push(`col:${JSON.stringify(columns.map((d) => cell.key[d]))}`);
      if (columns.length > 0 && !colTotal) axes.push(`row:${JSON.stringify(rows.map((d) => cell.key[d]))}`);
      for (const part of parts) {
        const value = cell[part];
        if (value === undefined || !value.suppressed) continue;
        const group = cellGroup(spec, cell.key);
        const inGroup = part === "numerator" ? (c: Combo) => group(c) && satisfies(c, numeratorCondition) : group;
        const indicator: number[] = all.map((c) => (inGroup(c) ? 1 : 0));
        const count = indicator.reduce((s, x, i) => s + x * (truth[i] as number), 0);
        for (const axis of axes) {
          const key = `${part}|${axis}`;
          const line = lines.get(key) ?? { part, indicator: all.map((): number => 0), value: 0, members: 0 };
          line.indicator = line.indicator.map((x, i) => x + (indicator[i] as number));
          line.value += count;
          line.members += 1;
          lines.set(key, line);
        }
      }
    }
    for (const [key, line] of lines) {
      if (line.members >= 2 && line.value <= threshold) {
        targets.push({ label: `${table.id} suppressed sum of ${key}`, indicator: line.indicator, trueValue: line.value });
      }
    }
  });
  return targets;
}
