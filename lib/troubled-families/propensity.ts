import { CholeskyDecomposition, Matrix } from "ml-matrix";

export interface LogisticFit {
  /** Coefficients, intercept first. */
  readonly coefficients: number[];
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Logistic regression by iteratively reweighted least squares (Newton–Raphson on the
 * log-likelihood; McCullagh & Nelder 1989, §4.4). `rows` holds the covariates without the
 * intercept. A small ridge term keeps XᵀWX invertible when a category is all treated or all
 * comparison (quasi-separation), which would otherwise send a coefficient to infinity; it shifts
 * the estimates negligibly for the sample sizes of a batch. The p×p system is solved with
 * ml-matrix's Cholesky decomposition; XᵀWX is accumulated in one pass over a flat typed copy of
 * the rows per iteration (never an n×n weight matrix), skipping the zeros of the 0/1 indicators.
 */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  y: readonly (0 | 1)[],
  options: { maxIterations?: number; tolerance?: number; ridge?: number } = {},
): LogisticFit {
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  const ridge = options.ridge ?? 1e-6;
  const n = rows.length;
  const p = (rows[0]?.length ?? 0) + 1;
  let beta = new Array<number>(p).fill(0);
  // The design matrix once, flat and with the intercept column: each iteration then reads a typed
  // array instead of re-copying every row.
  const X = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    X[i * p] = 1;
    for (let j = 1; j < p; j++) X[i * p + j] = r[j - 1]!;
  }
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const xtwx = new Float64Array(p * p);
    const score = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const o = i * p;
      let eta = 0;
      for (let j = 0; j < p; j++) eta += beta[j]! * X[o + j]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(mu * (1 - mu), 1e-10);
      const resid = y[i]! - mu;
      for (let j = 0; j < p; j++) {
        const xj = X[o + j]!;
        if (xj === 0) continue; // most covariates are 0/1 indicators: skip the zero row of the outer product
        score[j] = score[j]! + xj * resid;
        const wx = w * xj;
        for (let k = j; k < p; k++) xtwx[j * p + k] = xtwx[j * p + k]! + wx * X[o + k]!;
      }
    }
    const info = new Matrix(p, p);
    for (let j = 0; j < p; j++) {
      for (let k = j; k < p; k++) {
        const v = xtwx[j * p + k]! + (j === k && j > 0 ? ridge * n : 0);
        info.set(j, k, v);
        info.set(k, j, v);
      }
      if (j > 0) score[j] = score[j]! - ridge * n * beta[j]!;
    }
    const step = new CholeskyDecomposition(info).solve(Matrix.columnVector(Array.from(score))).getColumn(0);
    beta = beta.map((b, j) => b + step[j]!);
    const size = Math.max(...step.map(Math.abs));
    if (size < tolerance) return { coefficients: beta, iterations: iteration, converged: true };
  }
  return { coefficients: beta, iterations: maxIterations, converged: false };
}

/** The linear predictor (log-odds) of each row. */
export function logitScores(fit: LogisticFit, rows: readonly (readonly number[])[]): number[] {
  const b = fit.coefficients;
  return rows.map((r) => {
    let eta = b[0]!;
    for (let j = 0; j < r.length; j++) eta += b[j + 1]! * r[j]!;
    return eta;
  });
}

export interface MatchResult {
  /** For each treated unit (in input order), the index of its comparison unit, or -1 if none within the caliper. */
  readonly matchOf: Int32Array;
  /** For each comparison unit, how many treated units it was matched to (its weight). */
  readonly timesUsed: Int32Array;
  readonly caliper: number;
  readonly unmatched: number;
}

/**
 * One-to-one nearest-neighbour matching on the logit of the propensity score, with replacement,
 * within a caliper of `caliperSd` standard deviations of the logit (0.2 by default: Austin 2011),
 * and only within the same stratum (cohort and council). Ties go to the earlier comparison unit,
 * so the result does not depend on anything but the input order.
 */
export function nearestNeighbourMatch(
  treated: readonly { score: number; stratum: string }[],
  comparison: readonly { score: number; stratum: string }[],
  options: { caliperSd?: number } = {},
): MatchResult {
  const all = [...treated, ...comparison].map((u) => u.score);
  const mean = all.reduce((a, b) => a + b, 0) / Math.max(1, all.length);
  const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, all.length - 1));
  const caliper = (options.caliperSd ?? 0.2) * sd;
  const byStratum = new Map<string, { score: number; index: number }[]>();
  comparison.forEach((c, index) => {
    let list = byStratum.get(c.stratum);
    if (!list) byStratum.set(c.stratum, (list = []));
    list.push({ score: c.score, index });
  });
  // Sorted by score then index; runStart[k] is the first position of k's run of equal scores, which
  // holds the earliest comparison unit with that score (ties go to it).
  const runStarts = new Map<string, Int32Array>();
  for (const [stratum, list] of byStratum) {
    list.sort((a, b) => a.score - b.score || a.index - b.index);
    const runStart = new Int32Array(list.length);
    for (let k = 1; k < list.length; k++) runStart[k] = list[k]!.score === list[k - 1]!.score ? runStart[k - 1]! : k;
    runStarts.set(stratum, runStart);
  }

  const matchOf = new Int32Array(treated.length).fill(-1);
  const timesUsed = new Int32Array(comparison.length);
  let unmatched = 0;
  treated.forEach((t, i) => {
    const list = byStratum.get(t.stratum);
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    if (list && list.length > 0) {
      // First comparison unit with score ≥ t.score; the nearest is in its run or the run before.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid]!.score < t.score) lo = mid + 1;
        else hi = mid;
      }
      const runStart = runStarts.get(t.stratum)!;
      const candidates = [lo - 1 >= 0 ? runStart[lo - 1]! : -1, lo < list.length ? lo : -1];
      for (const k of candidates) {
        if (k < 0) continue;
        const c = list[k]!;
        const d = Math.abs(c.score - t.score);
        if (d < bestDistance || (d === bestDistance && c.index < best)) {
          bestDistance = d;
          best = c.index;
        }
      }
    }
    if (best >= 0 && bestDistance <= caliper) {
      matchOf[i] = best;
      timesUsed[best]!++;
    } else unmatched++;
  });
  return { matchOf, timesUsed, caliper, unmatched };
}
