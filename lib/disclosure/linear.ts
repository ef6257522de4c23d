import "server-only";
import { DisclosureError } from "./errors";

/** Sparse integer vector; `idx` strictly increasing, every `val` a non-zero safe integer. */
export interface SparseVector {
  readonly idx: readonly number[];
  readonly val: readonly number[];
}

export const EMPTY_VECTOR: SparseVector = { idx: [], val: [] };

interface Row {
  readonly idx: number[];
  readonly val: number[];
  /** Which inserted vectors, with which integer weights, sum to exactly this row. */
  readonly pidx: number[];
  readonly pval: number[];
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

function checked(n: number): number {
  // Doubles are exact only up to 2^53; past that the elimination would silently round, and a
  // rounded "zero" could declare a disclosive cell safe. Failing closed is the only honest answer.
  if (!Number.isSafeInteger(n)) {
    throw new DisclosureError("arithmetic-limit", "Exact elimination exceeded the safe integer range; the publication cannot be certified.");
  }
  return n;
}

/** c·a − b·r over two sorted sparse vectors, exactly. */
function combine(
  c: number,
  aIdx: readonly number[],
  aVal: readonly number[],
  b: number,
  rIdx: readonly number[],
  rVal: readonly number[],
): { idx: number[]; val: number[] } {
  const idx: number[] = [];
  const val: number[] = [];
  let i = 0;
  let j = 0;
  while (i < aIdx.length || j < rIdx.length) {
    const ai = i < aIdx.length ? (aIdx[i] as number) : Infinity;
    const rj = j < rIdx.length ? (rIdx[j] as number) : Infinity;
    let v: number;
    let at: number;
    if (ai === rj) {
      v = checked(checked(c * (aVal[i] as number)) - checked(b * (rVal[j] as number)));
      at = ai;
      i++;
      j++;
    } else if (ai < rj) {
      v = checked(c * (aVal[i] as number));
      at = ai;
      i++;
    } else {
      v = checked(-b * (rVal[j] as number));
      at = rj;
      j++;
    }
    if (v !== 0) {
      idx.push(at);
      val.push(v);
    }
  }
  return { idx, val };
}

function divideAll(values: number[], g: number): void {
  if (g <= 1) return;
  for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) / g;
}

function contentOf(...parts: readonly (readonly number[])[]): number {
  let g = 0;
  for (const part of parts) {
    for (const v of part) {
      g = gcd(g, v);
      if (g === 1) return 1;
    }
  }
  return g;
}

/**
 * Row echelon basis over the rationals, kept as primitive integer rows so that every operation
 * is exact. A row's pivot is its first non-zero coordinate, so reducing a vector only ever moves
 * its leading coordinate to the right and needs no back-substitution.
 *
 * Each row also carries its provenance: the integer combination of inserted vectors it equals.
 * That is what turns "this suppressed cell is derivable" into "this is the exact set of published
 * numbers an attacker would combine", which is what secondary suppression has to break.
 */
export class EchelonBasis {
  private readonly byPivot = new Map<number, Row>();

  get rank(): number {
    return this.byPivot.size;
  }

  /** An independent copy; rows are never mutated after insertion, so they can be shared. */
  clone(): EchelonBasis {
    const copy = new EchelonBasis();
    for (const [pivot, row] of this.byPivot) copy.byPivot.set(pivot, row);
    return copy;
  }

  /** Adds a vector labelled `id`; returns false when it was already in the span. */
  insert(vector: SparseVector, id: number): boolean {
    let idx = vector.idx.slice();
    let val = vector.val.slice();
    let pidx = [id];
    let pval = [1];
    while (idx.length > 0) {
      const lead = idx[0] as number;
      const row = this.byPivot.get(lead);
      if (row === undefined) break;
      const c = row.val[0] as number;
      const b = val[0] as number;
      const next = combine(c, idx, val, b, row.idx, row.val);
      const nextProv = combine(c, pidx, pval, b, row.pidx, row.pval);
      idx = next.idx;
      val = next.val;
      pidx = nextProv.idx;
      pval = nextProv.val;
      const g = contentOf(val, pval);
      divideAll(val, g);
      divideAll(pval, g);
    }
    if (idx.length === 0) return false;
    if ((val[0] as number) < 0) {
      for (let k = 0; k < val.length; k++) val[k] = -(val[k] as number);
      for (let k = 0; k < pval.length; k++) pval[k] = -(pval[k] as number);
    }
    this.byPivot.set(idx[0] as number, { idx, val, pidx, pval });
    return true;
  }

  /** Whether the vector is a rational combination of the inserted ones, i.e. its value is derivable. */
  contains(vector: SparseVector): boolean {
    let idx: readonly number[] = vector.idx;
    let val: readonly number[] = vector.val;
    while (idx.length > 0) {
      const row = this.byPivot.get(idx[0] as number);
      if (row === undefined) return false;
      const next = combine(row.val[0] as number, idx, val, val[0] as number, row.idx, row.val);
      const g = contentOf(next.val);
      divideAll(next.val, g);
      idx = next.idx;
      val = next.val;
    }
    return true;
  }

  /**
   * When the vector is in the span, the ids of inserted vectors with a non-zero weight in one
   * exact representation of it (ascending); otherwise null.
   */
  relation(vector: SparseVector): number[] | null {
    // Invariant: scale·vector = (idx,val) + Σ (pidx,pval)·inserted; scale never needs storing
    // because only the support of the final combination matters.
    let idx = vector.idx.slice();
    let val = vector.val.slice();
    let pidx: number[] = [];
    let pval: number[] = [];
    while (idx.length > 0) {
      const row = this.byPivot.get(idx[0] as number);
      if (row === undefined) return null;
      const c = row.val[0] as number;
      const b = val[0] as number;
      const next = combine(c, idx, val, b, row.idx, row.val);
      // scale·v = r + p·A becomes (c·scale)·v = (c·r − b·row) + (c·p + b·prov(row))·A.
      const nextProv = combine(c, pidx, pval, -b, row.pidx, row.pval);
      idx = next.idx;
      val = next.val;
      pidx = nextProv.idx;
      pval = nextProv.val;
      const g = contentOf(val, pval);
      divideAll(val, g);
      divideAll(pval, g);
    }
    return pidx;
  }
}
