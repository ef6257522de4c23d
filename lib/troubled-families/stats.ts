/**
 * Φ⁻¹(0.975), the normal quantile of a two-sided 95 % interval, to double precision. A constant
 * rather than a library call: simple-statistics' probit approximates it as 1.9572 (decision 092).
 */
export const Z95 = 1.959963984540054;

/** One observation: a value, the cluster (family) it belongs to, and a weight (1 unless matched). */
export interface Obs {
  readonly value: number;
  readonly cluster: string;
  readonly weight: number;
}

export interface MeanEstimate {
  readonly mean: number;
  /** Cluster-robust standard error (CR1: families as clusters). NaN with fewer than two clusters. */
  readonly se: number;
  /** Observations (people) and clusters (families) behind the mean. */
  readonly n: number;
  readonly clusters: number;
}

/**
 * The weighted mean and its cluster-robust standard error. With weights w and residuals
 * e = y − ȳ, Var(ȳ) = G/(G−1) · Σ_c (Σ_{i∈c} w_i e_i)² / (Σ w)², the sandwich estimator of a
 * regression on a constant with clusters c = 1…G (Cameron & Miller 2015, eq. 11 with the usual
 * small-sample factor). Weights are taken as fixed (the matching step's uncertainty is not added).
 */
export function clusteredMean(obs: readonly Obs[]): MeanEstimate {
  let sw = 0;
  let swy = 0;
  for (const o of obs) {
    sw += o.weight;
    swy += o.weight * o.value;
  }
  const mean = sw > 0 ? swy / sw : NaN;
  const sums = new Map<string, number>();
  for (const o of obs) sums.set(o.cluster, (sums.get(o.cluster) ?? 0) + o.weight * (o.value - mean));
  const g = sums.size;
  let ss = 0;
  for (const s of sums.values()) ss += s * s;
  const se = g >= 2 && sw > 0 ? Math.sqrt((g / (g - 1)) * ss) / sw : NaN;
  return { mean, se, n: obs.length, clusters: g };
}

export interface Interval {
  readonly estimate: number;
  readonly se: number;
  readonly lower: number;
  readonly upper: number;
}

export function interval(estimate: number, se: number): Interval {
  return { estimate, se, lower: estimate - Z95 * se, upper: estimate + Z95 * se };
}

/**
 * The difference in differences from each person's change (after − before): the treatment
 * group's mean change minus the comparison group's. The groups share no family, so their
 * cluster-robust variances add.
 */
export function differenceInDifferences(
  treatmentChanges: readonly Obs[],
  comparisonChanges: readonly Obs[],
): Interval & {
  readonly treatment: MeanEstimate;
  readonly comparison: MeanEstimate;
} {
  const treatment = clusteredMean(treatmentChanges);
  const comparison = clusteredMean(comparisonChanges);
  const se = Math.sqrt(treatment.se ** 2 + comparison.se ** 2);
  return { ...interval(treatment.mean - comparison.mean, se), treatment, comparison };
}

/** Weighted mean and (population) variance. */
export function weightedMoments(values: readonly number[], weights?: readonly number[]): { mean: number; variance: number; weight: number } {
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    sw += w;
    swy += w * values[i]!;
  }
  const mean = sw > 0 ? swy / sw : NaN;
  let ss = 0;
  for (let i = 0; i < values.length; i++) {
    const w = weights ? weights[i]! : 1;
    ss += w * (values[i]! - mean) ** 2;
  }
  return { mean, variance: sw > 0 ? ss / sw : NaN, weight: sw };
}

/**
 * Standardised mean difference (Austin 2009): (x̄_T − x̄_C) / √((s²_T + s²_C)/2). `pooledSd` fixes the
 * denominator, so that after matching the difference is measured on the same scale as before
 * (Stuart 2010). Zero when both groups are constant and equal.
 */
export function standardisedMeanDifference(
  treatment: { mean: number; variance: number },
  comparison: { mean: number; variance: number },
  pooledSd?: number,
): number {
  const sd = pooledSd ?? Math.sqrt((treatment.variance + comparison.variance) / 2);
  const diff = treatment.mean - comparison.mean;
  if (sd === 0 || !Number.isFinite(sd)) return diff === 0 ? 0 : Number.NaN;
  return diff / sd;
}
