import "server-only";
import { DisclosureError } from "./errors";
import { EchelonBasis, type SparseVector } from "./linear";
import { add, BoxCounter, boxKey, boxVector, buildSpace, intersectBoxes, subtract, valueKey, type Box, type Space } from "./space";
import type { CellValue, DimensionValue, ProtectedCell, ProtectedPublication, ProtectedTable, PublicationRequest } from "./types";
import { resolveRequest, type ResolvedCondition, type ResolvedRequest, type ResolvedTable } from "./validate";

/** Bounds the hidden groups checked per publication so a pathological spec fails fast instead of timing out. */
const MAX_FORMS = 200_000;

/** One linear function of the population: a published number or a group that must stay hidden. */
export interface Form {
  readonly key: string;
  readonly vector: SparseVector;
  readonly value: number;
  /** Shown in at least one table (as a count, numerator or denominator). */
  published: boolean;
}

export interface PlannedCell {
  readonly key: Readonly<Record<string, DimensionValue | null>>;
  readonly total: boolean;
  /** Form index of the count (count tables) or of the denominator (percentage tables). */
  readonly baseForm: number;
  /** Percentage tables only: form index of the numerator. */
  readonly numeratorForm: number | null;
}

export interface PlannedTable {
  readonly spec: ResolvedTable;
  readonly cells: readonly PlannedCell[];
}

/**
 * Every number the publication would show, before any suppression, reduced to forms over one
 * shared space. Exported for tests that need to show what an unprotected publication leaks.
 */
export interface Plan {
  readonly threshold: number;
  readonly space: Space;
  readonly forms: readonly Form[];
  readonly tables: readonly PlannedTable[];
  /** Forms whose value is public knowledge (empty or structurally impossible groups). */
  readonly known: ReadonlySet<number>;
  /** Structural-zero equations, always known to an attacker. */
  readonly structural: readonly SparseVector[];
  /**
   * The published parts of one total along one axis of one table (a row, a column, the row
   * totals, ...), whether or not the table shows that total. Used to keep the sum of the
   * suppressed parts of a line from being derivable when it is small.
   */
  readonly lines: readonly (readonly number[])[];
}

class FormRegistry {
  readonly forms: Form[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(
    private readonly space: Space,
    private readonly counter: BoxCounter,
  ) {}

  box(box: Box, published: boolean): number {
    return this.add(boxKey(box), published, () => ({ vector: boxVector(this.space, box), value: this.counter.count(box) }));
  }

  difference(whole: number, part: number): number {
    const w = this.forms[whole] as Form;
    const p = this.forms[part] as Form;
    return this.add(`${w.key}\\${p.key}`, false, () => ({ vector: subtract(w.vector, p.vector), value: w.value - p.value }));
  }

  private add(key: string, published: boolean, make: () => { vector: SparseVector; value: number }): number {
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      if (published) (this.forms[existing] as Form).published = true;
      return existing;
    }
    if (this.forms.length >= MAX_FORMS) {
      throw new DisclosureError("too-complex", "The publication defines too many groups to certify.", { limit: MAX_FORMS });
    }
    const { vector, value } = make();
    this.forms.push({ key, vector, value, published });
    this.byKey.set(key, this.forms.length - 1);
    return this.forms.length - 1;
  }
}

function usedDimensions(request: ResolvedRequest): string[] {
  const used = new Set<string>();
  for (const t of request.tables) {
    for (const d of [...t.rows, ...t.columns, ...t.filter.keys(), ...t.numerator.keys()]) used.add(d);
  }
  // A structural zero over an otherwise unused dimension can still imply one over used ones
  // (two patterns covering every school imply the whole group is empty), so keep its dimensions.
  for (const z of request.structuralZeros) for (const d of z.keys()) used.add(d);
  return [...request.dimensions.keys()].filter((d) => used.has(d));
}

function conditionBox(space: Space, condition: ResolvedCondition): Box {
  return space.dims.map((dim, d) => {
    const values = condition.get(dim);
    if (values === undefined) return null;
    const classOf = space.classOf[d] as ReadonlyMap<string, number>;
    const set = [...new Set(values.map((v) => classOf.get(valueKey(v)) as number))].sort((a, b) => a - b);
    return set.length === (space.classCount[d] as number) ? null : set;
  });
}

function product<T>(lists: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (const list of lists) {
    const next: T[][] = [];
    for (const prefix of out) for (const item of list) next.push([...prefix, item]);
    out = next;
  }
  return out;
}

export function planPublication(request: PublicationRequest): Plan {
  const resolved = resolveRequest(request);
  const dims = usedDimensions(resolved);
  const domains = dims.map((d) => resolved.dimensions.get(d) as readonly DimensionValue[]);

  const grouped = new Set<string>();
  for (const t of resolved.tables) for (const d of [...t.rows, ...t.columns]) grouped.add(d);
  const distinctions = dims.map((dim, d) => {
    const sets: Set<string>[] = [];
    if (grouped.has(dim)) for (const v of domains[d] as readonly DimensionValue[]) sets.push(new Set([valueKey(v)]));
    const conditions = [...resolved.tables.flatMap((t) => [t.filter, t.numerator]), ...resolved.structuralZeros];
    for (const c of conditions) {
      const values = c.get(dim);
      if (values !== undefined) sets.push(new Set(values.map(valueKey)));
    }
    return sets;
  });
  const space = buildSpace(dims, domains, distinctions);

  const allDims = [...resolved.dimensions.keys()];
  const positionOfDim = dims.map((dim) => allDims.indexOf(dim));
  const classByDomainIndex = dims.map((_, d) =>
    (domains[d] as readonly DimensionValue[]).map((v) => (space.classOf[d] as ReadonlyMap<string, number>).get(valueKey(v)) as number),
  );
  const atomsByKey = new Map<number, { classes: number[]; count: number }>();
  for (const cell of resolved.cells) {
    if (cell.count === 0) continue;
    const classes = classByDomainIndex.map((byIndex, d) => byIndex[cell.indices[positionOfDim[d] as number] as number] as number);
    // The space's mixed radix is a safe integer by construction, so it doubles as the atom key.
    let key = 0;
    for (let d = 0; d < classes.length; d++) key += (classes[d] as number) * (space.multiplier[d] as number);
    const atom = atomsByKey.get(key);
    if (atom === undefined) atomsByKey.set(key, { classes, count: cell.count });
    else atom.count += cell.count;
  }
  const counter = new BoxCounter(space, [...atomsByKey.values()]);
  const registry = new FormRegistry(space, counter);

  const tables: PlannedTable[] = [];
  const lines: number[][] = [];
  for (const t of resolved.tables) {
    const filterBox = conditionBox(space, t.filter);
    const numeratorBox = conditionBox(space, t.numerator);
    const axisKeys = (axis: readonly string[]): (DimensionValue | null)[][] => {
      if (axis.length === 0) return [[]];
      const keys: (DimensionValue | null)[][] = product(
        axis.map((dim) => t.filter.get(dim) ?? (resolved.dimensions.get(dim) as readonly DimensionValue[])),
      );
      if (t.totals) keys.push(axis.map(() => null));
      return keys;
    };
    // Checked before anything is enumerated, so an oversized spec is refused at once.
    const tableDims = dims
      .map((dim, d) => ({ dim, d }))
      .filter(({ dim }) => t.rows.includes(dim) || t.columns.includes(dim) || t.filter.has(dim) || t.numerator.has(dim));
    const latticeSize = tableDims.reduce((n, { d }) => n * ((space.classCount[d] as number) + 1), 1);
    if (registry.forms.length + latticeSize > MAX_FORMS) {
      throw new DisclosureError("too-complex", `Table "${t.id}" cross-classifies too many categories to certify.`, { id: t.id });
    }
    const cells: PlannedCell[] = [];
    for (const rowKey of axisKeys(t.rows)) {
      for (const colKey of axisKeys(t.columns)) {
        const axis = [...t.rows, ...t.columns];
        const values = [...rowKey, ...colKey];
        const fixed = new Map<string, readonly DimensionValue[]>();
        axis.forEach((dim, k) => {
          const v = values[k];
          if (v !== null && v !== undefined) fixed.set(dim, [v]);
        });
        const box = intersectBoxes(space, filterBox, conditionBox(space, fixed));
        const base = registry.box(box, true);
        let numerator: number | null = null;
        if (t.measure === "percentage") {
          numerator = registry.box(intersectBoxes(space, box, numeratorBox), true);
          // "38 of 40" publishes that 2 did not meet the condition: the complement is a group too.
          registry.difference(base, numerator);
        }
        cells.push({
          key: Object.fromEntries(axis.map((dim, k) => [dim, values[k] ?? null])),
          total: values.some((v) => v === null),
          baseForm: base,
          numeratorForm: numerator,
        });
      }
    }
    tables.push({ spec: t, cells });

    // Lines: cells sharing every axis value but one axis's; each line sums to a total.
    const lineOf = new Map<string, number[]>();
    const addToLine = (key: string, form: number | null) => {
      if (form === null) return;
      let line = lineOf.get(key);
      if (line === undefined) lineOf.set(key, (line = []));
      if (!line.includes(form)) line.push(form);
    };
    for (const cell of cells) {
      const rowPart = t.rows.map((d) => JSON.stringify(cell.key[d] ?? null)).join(",");
      const colPart = t.columns.map((d) => JSON.stringify(cell.key[d] ?? null)).join(",");
      const rowIsTotal = t.rows.some((d) => cell.key[d] === null);
      const colIsTotal = t.columns.some((d) => cell.key[d] === null);
      for (const [measure, form] of [
        ["base", cell.baseForm],
        ["numerator", cell.numeratorForm],
      ] as const) {
        if (t.rows.length > 0 && !rowIsTotal) addToLine(`${measure}|col|${colPart}`, form);
        if (t.columns.length > 0 && !colIsTotal) addToLine(`${measure}|row|${rowPart}`, form);
      }
    }
    for (const line of lineOf.values()) if (line.length > 1) lines.push(line);

    // Every group describable with this table's dimensions must stay underivable when small,
    // not only the cells shown: differencing two published cells yields exactly such groups.
    const choices = tableDims.map(({ d }) => [null, ...Array.from({ length: space.classCount[d] as number }, (_, c) => [c])]);
    for (const pick of product(choices)) {
      const box: (readonly number[] | null)[] = dims.map(() => null);
      tableDims.forEach(({ d }, k) => {
        box[d] = pick[k] ?? null;
      });
      registry.box(box, false);
    }
  }

  const structural = resolved.structuralZeros.map((z) => boxVector(space, conditionBox(space, z)));
  const known = new Set<number>();
  const structuralBasis = new EchelonBasis();
  structural.forEach((v, i) => structuralBasis.insert(v, i));
  registry.forms.forEach((form, i) => {
    if (form.vector.idx.length === 0 || (structural.length > 0 && structuralBasis.contains(form.vector))) known.add(i);
  });

  return { threshold: resolved.threshold, space, forms: registry.forms, tables, known, structural, lines };
}

export type SuppressionMarks = ReadonlyMap<number, "primary" | "secondary">;

/** Groups that must never be published or derivable: small (zero included) and not public knowledge. */
export function sensitiveForms(plan: Plan): number[] {
  const out: number[] = [];
  plan.forms.forEach((form, i) => {
    if (!plan.known.has(i) && form.value <= plan.threshold) out.push(i);
  });
  return out;
}

export function primarySuppression(plan: Plan): Map<number, "primary" | "secondary"> {
  const marks = new Map<number, "primary" | "secondary">();
  for (const i of sensitiveForms(plan)) if ((plan.forms[i] as Form).published) marks.set(i, "primary");
  return marks;
}

const CHECKPOINT_EVERY = 16;

/**
 * The basis of everything currently published, rebuilt after each round of suppressions.
 * Checkpoints along the fixed insertion order let a rebuild resume just before the earliest row
 * that changed instead of starting over; every later checkpoint is replaced as it is passed.
 */
class PublishedBasis {
  private checkpoints: { position: number; basis: EchelonBasis }[] = [];
  basis: EchelonBasis;

  constructor(
    private readonly plan: Plan,
    private readonly order: readonly number[],
    private readonly marks: SuppressionMarks,
    private readonly fixed: ReadonlySet<number> = new Set(),
  ) {
    const start = new EchelonBasis();
    // Structural equations carry negative ids so a relation can tell them from suppressible cells.
    plan.structural.forEach((v, i) => start.insert(v, -1 - i));
    this.basis = this.extend(start, 0);
  }

  /** Re-derives the basis after the rows at `changed` positions of the order were suppressed. */
  rebuild(changedPosition: number): void {
    let k = this.checkpoints.length - 1;
    while (k > 0 && (this.checkpoints[k] as { position: number }).position > changedPosition) k--;
    const from = this.checkpoints[k] as { position: number; basis: EchelonBasis };
    this.checkpoints = this.checkpoints.slice(0, k);
    this.basis = this.extend(from.basis, from.position);
  }

  private extend(start: EchelonBasis, position: number): EchelonBasis {
    let basis = start;
    for (let p = position; p < this.order.length; p++) {
      if (p % CHECKPOINT_EVERY === 0) {
        this.checkpoints.push({ position: p, basis });
        basis = basis.clone();
      }
      const i = this.order[p] as number;
      // A number an earlier release published is known to everyone, whatever this publication does.
      if (!this.marks.has(i) || this.fixed.has(i)) basis.insert((this.plan.forms[i] as Form).vector, i);
    }
    return basis;
  }
}

/**
 * Greedy complementary suppression driven by exact derivability. While some sensitive group is
 * derivable, take one exact derivation of it (the published numbers it combines) and suppress the
 * smallest of them; repeat. Suppression only removes equations, so a group once underivable
 * stays underivable and only the previously derivable ones need re-checking. Finally, secondary
 * suppressions that turned out to be derivable anyway are published again: showing a derivable
 * number reveals nothing new, and a `[c]` that can be recomputed is misleading.
 */
/**
 * What earlier releases contribute to one protection (see {@link protectPublication}'s `prior`).
 * `fixed`: forms already published (they stay in the attacker's equations and cannot be
 * suppressed); `locked`: suppressions that may not be undone; `sources`: who published each fixed
 * form. The loop fills `forcedBy` (suppressions whose derivation used an earlier release's numbers)
 * and `exposed` (groups derivable from earlier releases alone, which nothing now can hide).
 */
export interface CrossReleaseState {
  readonly fixed: ReadonlySet<number>;
  readonly locked: ReadonlySet<number>;
  readonly sources: ReadonlyMap<number, readonly string[]>;
  readonly forcedBy: Map<number, Set<string>>;
  readonly exposed: string[];
}

export function secondarySuppression(plan: Plan, primary: SuppressionMarks, cross?: CrossReleaseState): Map<number, "primary" | "secondary"> {
  const marks = new Map(primary);
  const fixed = cross?.fixed ?? new Set<number>();
  // Large numbers enter the basis first. Suppressions are mostly small numbers, so they sit near
  // the end of this order and a rebuild resumes from a late checkpoint (about ten times fewer
  // insertions on the benchmark than the opposite order, with no more suppression on random
  // publications). Ties fall back to the deterministic form order.
  const order = plan.forms
    .map((form, i) => ({ form, i }))
    .filter(({ form, i }) => form.published && !plan.known.has(i))
    .sort((a, b) => b.form.value - a.form.value || a.i - b.i)
    .map(({ i }) => i);
  const cost = (i: number): number => (plan.forms[i] as Form).value;

  // Linear underivability alone is not enough: an intruder also knows counts are non-negative,
  // so if the suppressed cells of one line are derivable to sum to 0 (or to little) each of them
  // is pinned. The sum of the suppressed parts of every line is therefore a sensitive group too
  // when it is small, and is added as the suppression pattern grows.
  interface Target {
    readonly key: string;
    readonly vector: SparseVector;
    /** Line sums may be public knowledge through structural zeros alone; cells may not. */
    readonly optional: boolean;
  }
  const sumOf = (parts: readonly number[]): SparseVector =>
    parts.slice(1).reduce((v, j) => add(v, (plan.forms[j] as Form).vector), (plan.forms[parts[0] as number] as Form).vector);
  const seenSums = new Set<string>();
  const lineSums = (): Target[] => {
    const out: Target[] = [];
    for (const line of plan.lines) {
      const parts = line.filter((i) => marks.has(i)).sort((a, b) => a - b);
      if (parts.length < 2) continue;
      const value = parts.reduce((sum, i) => sum + cost(i), 0);
      const key = parts.join("+");
      if (value > plan.threshold || seenSums.has(key)) continue;
      seenSums.add(key);
      out.push({ key, vector: sumOf(parts), optional: true });
    }
    return out;
  };

  // A suppression that may not be undone (an earlier release's [c], a wider publication's) is a
  // promise that the value stays hidden, so it is kept underivable like a small group.
  const sensitive = new Set([...sensitiveForms(plan), ...(cross?.locked ?? [])]);
  let pending: Target[] = [
    ...[...sensitive]
      .sort((a, b) => a - b)
      .map((i) => ({ key: (plan.forms[i] as Form).key, vector: (plan.forms[i] as Form).vector, optional: false })),
    ...lineSums(),
  ];
  const positionOf = new Map(order.map((i, p) => [i, p]));
  const published = new PublishedBasis(plan, order, marks, fixed);
  let basis = published.basis;
  for (;;) {
    const derivable = pending.filter((target) => basis.contains(target.vector));
    if (derivable.length === 0) {
      pending = lineSums();
      if (pending.length === 0) break;
      continue;
    }
    const chosen = new Set<number>();
    const still: Target[] = [];
    for (const target of derivable) {
      const relation = basis.relation(target.vector) ?? [];
      const candidates = relation.filter((id) => id >= 0 && !fixed.has(id));
      if (candidates.length === 0) {
        // Earlier releases alone already determine it: nothing this publication hides can help.
        if (relation.some((id) => fixed.has(id))) {
          cross?.exposed.push(target.key);
          continue;
        }
        if (target.optional) continue;
        throw new Error(`Invariant broken: sensitive group ${target.key} is public knowledge.`);
      }
      still.push(target);
      // One suppression per derivation per round; another derivable group sharing it is
      // re-examined next round rather than suppressed twice.
      if (candidates.some((c) => chosen.has(c))) continue;
      let pick = candidates[0] as number;
      for (const c of candidates) if (cost(c) < cost(pick) || (cost(c) === cost(pick) && c < pick)) pick = c;
      chosen.add(pick);
      marks.set(pick, "secondary");
      if (cross) {
        const by = relation.flatMap((id) => (fixed.has(id) ? [...(cross.sources.get(id) ?? [])] : []));
        if (by.length > 0) {
          let set = cross.forcedBy.get(pick);
          if (set === undefined) cross.forcedBy.set(pick, (set = new Set()));
          for (const source of by) set.add(source);
        }
      }
    }
    if (chosen.size === 0) break;
    published.rebuild(Math.min(...[...chosen].map((c) => positionOf.get(c) as number)));
    basis = published.basis;
    pending = [...still, ...lineSums()];
  }

  // Republishing a derivable secondary leaves the row space as it is, so every target stays
  // underivable; but it shrinks the suppressed part of its lines, and the smaller sum must then
  // pass the line rule on its own before the cell may be shown.
  for (const [i, reason] of [...marks]) {
    if (reason !== "secondary" || cross?.locked.has(i) || fixed.has(i) || !basis.contains((plan.forms[i] as Form).vector)) continue;
    const keepsLinesSafe = plan.lines.every((line) => {
      if (!line.includes(i)) return true;
      const rest = line.filter((j) => j !== i && marks.has(j));
      if (rest.length < 2 || rest.reduce((sum, j) => sum + cost(j), 0) > plan.threshold) return true;
      return !basis.contains(sumOf(rest));
    });
    if (keepsLinesSafe) {
      marks.delete(i);
      cross?.forcedBy.delete(i);
    }
  }
  return marks;
}

const NOT_APPLICABLE: CellValue = { suppressed: false, value: null };

function countCell(plan: Plan, marks: SuppressionMarks, i: number): CellValue {
  if (plan.known.has(i)) return NOT_APPLICABLE;
  const reason = marks.get(i);
  if (reason !== undefined) return { suppressed: true, reason };
  return { suppressed: false, value: (plan.forms[i] as Form).value };
}

/** Round half up to one decimal place, computed on integers so 0.05 boundaries are exact. */
export function percentage(numerator: number, denominator: number): number {
  return Math.floor((2000 * numerator + denominator) / (2 * denominator)) / 10;
}

export function renderPublication(plan: Plan, marks: SuppressionMarks, forcedBy?: ReadonlyMap<number, ReadonlySet<string>>): ProtectedPublication {
  const forced = (forms: (number | null)[]): { forcedBy?: readonly string[] } => {
    if (!forcedBy) return {};
    const by = new Set<string>();
    for (const f of forms) if (f !== null && marks.has(f)) for (const s of forcedBy.get(f) ?? []) by.add(s);
    return by.size > 0 ? { forcedBy: [...by].sort() } : {};
  };
  const tables: ProtectedTable[] = plan.tables.map(({ spec, cells }) => ({
    id: spec.id,
    threshold: plan.threshold,
    rows: spec.rows,
    columns: spec.columns,
    measure: spec.measure,
    cells: cells.map((cell): ProtectedCell => {
      const base = countCell(plan, marks, cell.baseForm);
      if (cell.numeratorForm === null) return { key: cell.key, total: cell.total, value: base, ...forced([cell.baseForm]) };
      const numerator = countCell(plan, marks, cell.numeratorForm);
      let value: CellValue;
      if (base.suppressed || numerator.suppressed) value = { suppressed: true, reason: "percentage" };
      else if (base.value === null || numerator.value === null) value = NOT_APPLICABLE;
      else value = { suppressed: false, value: percentage(numerator.value, base.value) };
      return { key: cell.key, total: cell.total, value, numerator, denominator: base, ...forced([cell.baseForm, cell.numeratorForm]) };
    }),
  }));
  let primary = 0;
  let secondary = 0;
  for (const reason of marks.values()) {
    if (reason === "primary") primary++;
    else secondary++;
  }
  let published = 0;
  let hidden = 0;
  plan.forms.forEach((form, i) => {
    if (plan.known.has(i)) return;
    if (form.published && !marks.has(i)) published++;
    if (!form.published && form.value <= plan.threshold) hidden++;
  });
  return {
    threshold: plan.threshold,
    tables,
    summary: { primary, secondary, published, protectedHiddenGroups: hidden },
  };
}

/**
 * Computes every table of a publication from one shared base and protects them jointly: primary
 * suppression of every count at or below the threshold (zero included), then complementary
 * suppression until no suppressed count and no small group over any table's dimensions can be
 * derived exactly from everything the publication shows. Deterministic for a given request.
 *
 * With `prior` (tables already released from the same base), the new tables are protected jointly
 * with them: what they published is part of the attacker's knowledge and cannot be taken back,
 * what they suppressed stays suppressed wherever the same number reappears, and the engine
 * suppresses more in the new tables until nothing is derivable from everything ever released.
 * A suppression whose derivation used an earlier release's numbers names it in `forcedBy`.
 *
 * @throws DisclosureError on invalid input or when the publication cannot be certified.
 */
export function protectPublication(request: PublicationRequest): ProtectedPublication {
  const prior = request.prior ?? [];
  const keep = request.keepSuppressed ?? [];
  if (prior.length === 0 && keep.length === 0) {
    const plan = planPublication(request);
    return renderPublication(plan, secondarySuppression(plan, primarySuppression(plan)));
  }
  const own = request.tables.length;
  const plan = planPublication({
    ...request,
    tables: [...request.tables, ...prior.map((p, j) => ({ ...p.spec, id: `prior#${j}:${p.spec.id}` }))],
  });
  const fixed = new Set<number>();
  const locked = new Set<number>();
  const sources = new Map<number, string[]>();
  const lockedSources = new Map<number, Set<string>>();
  const cellIndex = (cells: readonly PlannedCell[]) => new Map(cells.map((c) => [keyOf(c.key), c]));

  prior.forEach((p, j) => {
    const planned = cellIndex((plan.tables[own + j] as PlannedTable).cells);
    for (const cell of p.cells) {
      const at = planned.get(keyOf(cell.key));
      if (at === undefined) {
        throw new DisclosureError("prior-mismatch", `Release ${p.source} has a cell its table definition does not produce.`, { source: p.source });
      }
      const parts: [number, CellValue | undefined][] =
        at.numeratorForm === null
          ? [[at.baseForm, cell.value]]
          : [
              [at.baseForm, cell.denominator],
              [at.numeratorForm, cell.numerator],
            ];
      for (const [form, value] of parts) {
        if (value === undefined || plan.known.has(form)) continue;
        if (value.suppressed) {
          locked.add(form);
          let set = lockedSources.get(form);
          if (set === undefined) lockedSources.set(form, (set = new Set()));
          set.add(p.source);
          continue;
        }
        if (value.value !== (plan.forms[form] as Form).value) {
          // The earlier release was computed from other data: it is not the same analysis base.
          throw new DisclosureError("prior-mismatch", `Release ${p.source} does not match this analysis base.`, { source: p.source });
        }
        fixed.add(form);
        const list = sources.get(form) ?? [];
        if (!list.includes(p.source)) list.push(p.source);
        sources.set(form, list);
      }
    }
  });
  // Once published, always published: a number one release showed and another hid is public.
  for (const form of fixed) locked.delete(form);

  const marks = primarySuppression(plan);
  const forcedBy = new Map<number, Set<string>>();
  for (const form of locked) {
    if (!marks.has(form)) {
      marks.set(form, "secondary");
      forcedBy.set(form, new Set(lockedSources.get(form)));
    }
  }
  for (const k of keep) {
    const t = plan.tables.findIndex((x, i) => i < own && x.spec.id === k.table);
    const at = t < 0 ? undefined : cellIndex((plan.tables[t] as PlannedTable).cells).get(keyOf(k.key));
    if (at === undefined)
      throw new DisclosureError("invalid-table", `There is no cell ${JSON.stringify(k.key)} in table "${k.table}" to keep suppressed.`);
    const forms = k.part === "numerator" ? [at.numeratorForm] : k.part === undefined ? [at.baseForm, at.numeratorForm] : [at.baseForm];
    for (const form of forms) {
      if (form === null || plan.known.has(form) || fixed.has(form)) continue;
      locked.add(form);
      if (!marks.has(form)) marks.set(form, "secondary");
    }
  }
  const cross: CrossReleaseState = { fixed, locked, sources, forcedBy, exposed: [] };
  const final = secondarySuppression(plan, marks, cross);
  const rendered = renderPublication({ ...plan, tables: plan.tables.slice(0, own) }, final, forcedBy);

  // The summary speaks of the new tables only.
  const ownForms = new Set(
    plan.tables.slice(0, own).flatMap((t) => t.cells.flatMap((c) => (c.numeratorForm === null ? [c.baseForm] : [c.baseForm, c.numeratorForm]))),
  );
  let primary = 0;
  let secondary = 0;
  let published = 0;
  for (const i of ownForms) {
    if (plan.known.has(i)) continue;
    const reason = final.get(i);
    if (reason === "primary") primary++;
    else if (reason === "secondary") secondary++;
    else published++;
  }
  const forcedSources = new Set<string>();
  let forced = 0;
  for (const [i, set] of forcedBy) {
    if (!ownForms.has(i) || !final.has(i)) continue;
    forced++;
    for (const s of set) forcedSources.add(s);
  }
  return {
    ...rendered,
    summary: { ...rendered.summary, primary, secondary, published },
    crossRelease: { forced, sources: [...forcedSources].sort(), exposed: cross.exposed.length },
  };
}

function keyOf(key: Readonly<Record<string, DimensionValue | null>>): string {
  return JSON.stringify(
    Object.keys(key)
      .sort()
      .map((k) => [k, key[k] ?? null, typeof key[k]]),
  );
}
