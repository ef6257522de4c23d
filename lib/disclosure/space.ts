import "server-only";
import { DisclosureError } from "./errors";
import type { SparseVector } from "./linear";
import type { DimensionValue } from "./types";

/** Distinguishes 1, "1" and true, which a plain String() would merge. */
export function valueKey(value: DimensionValue): string {
  return `${typeof value === "string" ? "s" : typeof value === "number" ? "n" : "b"}:${String(value)}`;
}

/**
 * A box over the publication's dimensions: per dimension, either null (unrestricted) or the
 * sorted list of class indices it is restricted to. An empty list makes the box empty.
 */
export type Box = readonly (readonly number[] | null)[];

/**
 * The variables of the disclosure problem. Only dimensions some table or structural zero refers
 * to are kept, and within each dimension values that nothing published tells apart are merged
 * into one class: an attacker cannot separate them either, so the merge loses no attack.
 *
 * Vectors live in a tensor "contrast" basis rather than one coordinate per cell: per dimension,
 * coordinate 0 is the all-ones vector and coordinate j ≥ 1 is the indicator of class j. A margin
 * over few dimensions is then a handful of coordinates instead of thousands, which keeps exact
 * elimination sparse. The change of basis is unimodular, so derivability is unaffected.
 */
export interface Space {
  readonly dims: readonly string[];
  readonly classCount: readonly number[];
  readonly classOf: readonly ReadonlyMap<string, number>[];
  readonly multiplier: readonly number[];
}

/**
 * `distinctions[d]` lists the value sets (as value keys) that some table or structural zero uses
 * on dimension `dims[d]`; `domains[d]` is its declared domain in order.
 */
export function buildSpace(
  dims: readonly string[],
  domains: readonly (readonly DimensionValue[])[],
  distinctions: readonly (readonly ReadonlySet<string>[])[],
): Space {
  const classCount: number[] = [];
  const classOf: Map<string, number>[] = [];
  const multiplier: number[] = [];
  let size = 1;
  dims.forEach((dim, d) => {
    const domain = domains[d] ?? [];
    const sets = distinctions[d] ?? [];
    const bySignature = new Map<string, number>();
    const map = new Map<string, number>();
    for (const value of domain) {
      const key = valueKey(value);
      const signature = sets.map((s) => (s.has(key) ? "1" : "0")).join("");
      let cls = bySignature.get(signature);
      if (cls === undefined) {
        cls = bySignature.size;
        bySignature.set(signature, cls);
      }
      map.set(key, cls);
    }
    classCount.push(bySignature.size);
    classOf.push(map);
    multiplier.push(size);
    size *= bySignature.size;
    if (!Number.isSafeInteger(size)) {
      throw new DisclosureError("too-complex", "The publication cross-classifies too many categories.", { dim });
    }
  });
  return { dims, classCount, classOf, multiplier };
}

/** Per-dimension expansion of a class set in the contrast basis. */
function dimensionTerms(set: readonly number[] | null, classes: number): { j: number[]; v: number[] } {
  if (set === null || set.length === classes) return { j: [0], v: [1] };
  if (!set.includes(0)) return { j: set.slice(), v: set.map(() => 1) };
  // Class 0 has no coordinate of its own: 1_S = 1 − Σ_{j∉S} e_j.
  const j = [0];
  const v = [1];
  for (let c = 1; c < classes; c++) {
    if (!set.includes(c)) {
      j.push(c);
      v.push(-1);
    }
  }
  return { j, v };
}

export function boxVector(space: Space, box: Box): SparseVector {
  let idx = [0];
  let val = [1];
  for (let d = 0; d < space.dims.length; d++) {
    const set = box[d] ?? null;
    if (set !== null && set.length === 0) return { idx: [], val: [] };
    const terms = dimensionTerms(set, space.classCount[d] as number);
    if (terms.j.length === 1 && terms.j[0] === 0) continue;
    const m = space.multiplier[d] as number;
    const nextIdx: number[] = [];
    const nextVal: number[] = [];
    for (let a = 0; a < idx.length; a++) {
      for (let t = 0; t < terms.j.length; t++) {
        nextIdx.push((idx[a] as number) + (terms.j[t] as number) * m);
        nextVal.push((val[a] as number) * (terms.v[t] as number));
      }
    }
    idx = nextIdx;
    val = nextVal;
  }
  // Mixed-radix indices of a tensor product are distinct, so sorting is all that is needed.
  const order = idx.map((_, k) => k).sort((a, b) => (idx[a] as number) - (idx[b] as number));
  return { idx: order.map((k) => idx[k] as number), val: order.map((k) => val[k] as number) };
}

export function subtract(a: SparseVector, b: SparseVector): SparseVector {
  return addScaled(a, b, -1);
}

export function add(a: SparseVector, b: SparseVector): SparseVector {
  return addScaled(a, b, 1);
}

function addScaled(a: SparseVector, b: SparseVector, sign: 1 | -1): SparseVector {
  const idx: number[] = [];
  const val: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.idx.length || j < b.idx.length) {
    const ai = i < a.idx.length ? (a.idx[i] as number) : Infinity;
    const bj = j < b.idx.length ? (b.idx[j] as number) : Infinity;
    let v: number;
    let at: number;
    if (ai === bj) {
      v = (a.val[i] as number) + sign * (b.val[j] as number);
      at = ai;
      i++;
      j++;
    } else if (ai < bj) {
      v = a.val[i] as number;
      at = ai;
      i++;
    } else {
      v = sign * (b.val[j] as number);
      at = bj;
      j++;
    }
    if (v !== 0) {
      idx.push(at);
      val.push(v);
    }
  }
  return { idx, val };
}

export function boxKey(box: Box): string {
  return box.map((set) => (set === null ? "*" : set.join("."))).join("|");
}

/** Intersection of two boxes, normalising "every class" to null so equal boxes get equal keys. */
export function intersectBoxes(space: Space, a: Box, b: Box): Box {
  return space.dims.map((_, d) => {
    const x = a[d] ?? null;
    const y = b[d] ?? null;
    const set = x === null ? y : y === null ? x : x.filter((c) => y.includes(c));
    return set !== null && set.length === (space.classCount[d] as number) ? null : set;
  });
}

/**
 * Sums of atom counts over boxes, memoised per set of restricted dimensions so each table costs
 * one pass over the atoms rather than one pass per cell.
 */
export class BoxCounter {
  private readonly projections = new Map<string, Float64Array>();

  constructor(
    private readonly space: Space,
    private readonly atoms: readonly { readonly classes: readonly number[]; readonly count: number }[],
  ) {}

  count(box: Box): number {
    const restricted: number[] = [];
    for (let d = 0; d < this.space.dims.length; d++) {
      const set = box[d] ?? null;
      if (set !== null) {
        if (set.length === 0) return 0;
        restricted.push(d);
      }
    }
    // Dense mixed-radix array over the restricted dimensions only; tables restrict few
    // dimensions, so this stays small even when the whole space is large.
    const radix: number[] = [];
    let size = 1;
    for (const d of restricted) {
      radix.push(size);
      size *= this.space.classCount[d] as number;
    }
    if (size > 4_000_000) {
      throw new DisclosureError("too-complex", "A table cross-classifies too many categories.", { size });
    }
    const signature = restricted.join(",");
    let projection = this.projections.get(signature);
    if (projection === undefined) {
      projection = new Float64Array(size);
      for (const atom of this.atoms) {
        let at = 0;
        for (let k = 0; k < restricted.length; k++) at += (atom.classes[restricted[k] as number] as number) * (radix[k] as number);
        projection[at] = (projection[at] as number) + atom.count;
      }
      this.projections.set(signature, projection);
    }
    let total = 0;
    const sets = restricted.map((d) => box[d] as readonly number[]);
    const pick: number[] = new Array<number>(sets.length).fill(0);
    // Odometer over the product of the restricted class sets.
    for (;;) {
      let at = 0;
      for (let k = 0; k < sets.length; k++) at += ((sets[k] as readonly number[])[pick[k] as number] as number) * (radix[k] as number);
      total += projection[at] as number;
      let k = sets.length - 1;
      while (k >= 0) {
        pick[k] = (pick[k] as number) + 1;
        if ((pick[k] as number) < (sets[k] as readonly number[]).length) break;
        pick[k] = 0;
        k--;
      }
      if (k < 0) break;
    }
    return total;
  }
}
