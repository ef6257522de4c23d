import { nearestNeighbourMatch, fitLogistic, logitScores } from "./propensity";
import { differenceInDifferences, standardisedMeanDifference, type Interval, type MeanEstimate, Z95 } from "./stats";
import { TF_AGE_BANDS, TF_GROUPS, TF_OUTCOMES, type TfGroup, type TfOutcomeId, type TfPerson } from "./types";

/** The six criteria in the order of TfPerson.criteria (the dataset's crit_* columns). */
export const CRITERION_LABELS = [
  "Crime or anti-social behaviour",
  "Education",
  "Children who need help",
  "Worklessness",
  "Domestic violence and abuse",
  "Health",
] as const;

export interface GroupSize {
  readonly people: number;
  readonly families: number;
}

/** What the dominance check needs about a count outcome in one group, per period. */
export interface Concentration {
  readonly total: number;
  /** Share of the total contributed by the two largest families (0 when the total is 0). */
  readonly topTwoShare: number;
}

export interface GroupOutcome {
  readonly before: MeanEstimate;
  readonly after: MeanEstimate;
  /** Mean change (after − before) with its 95 % interval. */
  readonly change: Interval;
  readonly families: number;
  /** Count outcomes only. */
  readonly concentration: { readonly before: Concentration; readonly after: Concentration } | null;
}

export interface OutcomeResult {
  readonly outcome: TfOutcomeId;
  readonly naive: Record<TfGroup, GroupOutcome | null>;
  /** Unmatched difference in differences. */
  readonly did: Interval | null;
  /** The same after matching: the treated who found a match and their (weighted) matches. */
  readonly matched: { readonly treatment: GroupOutcome; readonly comparison: GroupOutcome; readonly did: Interval } | null;
}

export interface BalanceRow {
  readonly covariate: string;
  readonly before: number;
  readonly after: number;
}

/** Families by group and the criteria they meet: the unit cells the counts are published from. */
export interface FamilyCell {
  readonly group: TfGroup;
  readonly criteria: readonly boolean[];
  readonly families: number;
}

export interface Evaluation {
  readonly sizes: Record<TfGroup, GroupSize>;
  readonly familyCells: readonly FamilyCell[];
  /** Families meeting each criterion, per group (counts: published through the disclosure engine). */
  readonly criteria: readonly { readonly criterion: string; readonly treatment: number; readonly comparison: number }[];
  readonly outcomes: readonly OutcomeResult[];
  readonly balance: readonly BalanceRow[];
  readonly matching: {
    readonly treatedPeople: number;
    readonly matchedPeople: number;
    readonly comparisonPeopleUsed: number;
    readonly matchedComparisonFamilies: number;
    readonly caliper: number;
    readonly converged: boolean;
  } | null;
}

const BANDS = Object.fromEntries(TF_OUTCOMES.map((o) => [o.id, o.bands])) as unknown as Record<TfOutcomeId, readonly string[]>;
const OUTCOME_IDS = TF_OUTCOMES.map((o) => o.id);
const IS_COUNT = Object.fromEntries(TF_OUTCOMES.map((o) => [o.id, o.kind === "count"])) as Record<TfOutcomeId, boolean>;

const familyOf = (p: TfPerson) => `${p.council}\u0000${p.familyKey.toLowerCase()}`;

/** Outcome values in display units: shares (yes/no) become per cent. */
function valueOf(p: TfPerson, outcome: TfOutcomeId, when: "before" | "after"): number | null {
  const o = p.outcomes[outcome];
  if (!o || !(BANDS[outcome] as readonly string[]).includes(p.ageBand)) return null;
  return outcome === "out_of_work_benefits" ? o[when] * 100 : o[when];
}

/**
 * The population in columns: a family number per person and each outcome's before and after as
 * typed arrays (NaN where it does not apply). Built once per evaluation, so the many group
 * summaries below read numbers instead of rebuilding family strings and observation objects for
 * every outcome and group (the evaluation of 100,000 families spent most of its time doing that).
 */
interface Columns {
  readonly persons: readonly TfPerson[];
  readonly family: Int32Array;
  readonly families: number;
  readonly before: Record<TfOutcomeId, Float64Array>;
  readonly after: Record<TfOutcomeId, Float64Array>;
  /** Per-family working sums, all zero between uses (each use clears the families it touched). */
  readonly scratch: {
    readonly seen: Uint8Array;
    readonly touched: Int32Array;
    readonly sums: readonly [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  };
}

function columns(persons: readonly TfPerson[]): Columns {
  const n = persons.length;
  const ids = new Map<string, number>();
  const family = new Int32Array(n);
  const before = {} as Record<TfOutcomeId, Float64Array>;
  const after = {} as Record<TfOutcomeId, Float64Array>;
  for (const id of OUTCOME_IDS) {
    before[id] = new Float64Array(n);
    after[id] = new Float64Array(n);
  }
  for (let i = 0; i < n; i++) {
    const p = persons[i]!;
    const key = familyOf(p);
    let f = ids.get(key);
    if (f === undefined) ids.set(key, (f = ids.size));
    family[i] = f;
    for (const id of OUTCOME_IDS) {
      const b = valueOf(p, id, "before");
      const a = valueOf(p, id, "after");
      before[id][i] = b === null || a === null ? Number.NaN : b;
      after[id][i] = b === null || a === null ? Number.NaN : a;
    }
  }
  const F = ids.size;
  const sums = [new Float64Array(F), new Float64Array(F), new Float64Array(F), new Float64Array(F), new Float64Array(F)] as const;
  return { persons, family, families: F, before, after, scratch: { seen: new Uint8Array(F), touched: new Int32Array(F), sums } };
}

/**
 * One group's before, after and change for an outcome over the people `index` (positions in
 * `cols`), each with a weight (1 unless a matched comparison person is used several times).
 * Cluster-robust standard errors with families as clusters, as `clusteredMean` computes them.
 */
function groupOutcomeOf(cols: Columns, index: ArrayLike<number>, weight: ArrayLike<number> | null, outcome: TfOutcomeId): GroupOutcome | null {
  const B = cols.before[outcome];
  const A = cols.after[outcome];
  const fam = cols.family;
  let sw = 0;
  let swb = 0;
  let swa = 0;
  let m = 0;
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    const b = B[i]!;
    if (Number.isNaN(b)) continue;
    const w = weight ? weight[k]! : 1;
    sw += w;
    swb += w * b;
    swa += w * A[i]!;
    m++;
  }
  if (m === 0) return null;
  const meanB = swb / sw;
  const meanA = swa / sw;
  const meanC = meanA - meanB;
  // Residual sums per family for before, after and change; totals per family for concentration.
  const { seen, touched } = cols.scratch;
  const [rb, ra, rc, tb, ta] = cols.scratch.sums;
  let g = 0;
  let totalB = 0;
  let totalA = 0;
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    const b = B[i]!;
    if (Number.isNaN(b)) continue;
    const a = A[i]!;
    const w = weight ? weight[k]! : 1;
    const f = fam[i]!;
    if (seen[f] === 0) {
      seen[f] = 1;
      touched[g++] = f;
    }
    rb[f] = rb[f]! + w * (b - meanB);
    ra[f] = ra[f]! + w * (a - meanA);
    rc[f] = rc[f]! + w * (a - b - meanC);
    tb[f] = tb[f]! + w * b;
    ta[f] = ta[f]! + w * a;
    totalB += w * b;
    totalA += w * a;
  }
  let ssb = 0;
  let ssa = 0;
  let ssc = 0;
  const top = { b1: 0, b2: 0, a1: 0, a2: 0 };
  for (let k = 0; k < g; k++) {
    const f = touched[k]!;
    ssb += rb[f]! ** 2;
    ssa += ra[f]! ** 2;
    ssc += rc[f]! ** 2;
    const vb = tb[f]!;
    if (vb > top.b1) [top.b1, top.b2] = [vb, top.b1];
    else if (vb > top.b2) top.b2 = vb;
    const va = ta[f]!;
    if (va > top.a1) [top.a1, top.a2] = [va, top.a1];
    else if (va > top.a2) top.a2 = va;
    seen[f] = 0;
    rb[f] = ra[f] = rc[f] = tb[f] = ta[f] = 0;
  }
  const se = (ss: number) => (g >= 2 ? Math.sqrt((g / (g - 1)) * ss) / sw : Number.NaN);
  const seC = se(ssc);
  const concentration = (total: number, t1: number, t2: number): Concentration => ({ total, topTwoShare: total > 0 ? (t1 + t2) / total : 0 });
  return {
    before: { mean: meanB, se: se(ssb), n: m, clusters: g },
    after: { mean: meanA, se: se(ssa), n: m, clusters: g },
    change: { estimate: meanC, se: seC, lower: meanC - Z95 * seC, upper: meanC + Z95 * seC },
    families: g,
    concentration: IS_COUNT[outcome] ? { before: concentration(totalB, top.b1, top.b2), after: concentration(totalA, top.a1, top.a2) } : null,
  };
}

/** One group's before, after and change for an outcome, optionally weighted (matched comparison). */
export function groupOutcome(people: readonly { person: TfPerson; weight: number }[], outcome: TfOutcomeId): GroupOutcome | null {
  const cols = columns(people.map((p) => p.person));
  return groupOutcomeOf(
    cols,
    people.map((_, i) => i),
    people.map((p) => p.weight),
    outcome,
  );
}

function didOf(t: GroupOutcome | null, c: GroupOutcome | null): Interval | null {
  if (!t || !c) return null;
  const se = Math.sqrt(t.change.se ** 2 + c.change.se ** 2);
  const estimate = t.change.estimate - c.change.estimate;
  return { estimate, se, lower: estimate - Z95 * se, upper: estimate + Z95 * se };
}

/** Propensity covariates: the six criteria, age band (dummies, first band as reference) and the before-values. */
export const COVARIATE_NAMES: readonly string[] = [
  ...CRITERION_LABELS.map((c) => `Criterion: ${c}`),
  ...TF_AGE_BANDS.slice(1).map((b) => `Age band ${b}`),
  "Offences before",
  "ASB incidents before",
  "DV incidents before",
  "Absence rate before (school-age)",
  "No absence rate (not school-age)",
  "On out-of-work benefits before",
];

const BAND_INDEX = new Map<string, number>(TF_AGE_BANDS.map((b, i) => [b, i]));
const CRITERIA_COUNT = CRITERION_LABELS.length;

export function covariates(p: TfPerson): number[] {
  const absence = p.outcomes.absence_rate;
  // Filled in place, not spread together: this runs once per person on populations of a million.
  const row = new Array<number>(COVARIATE_NAMES.length).fill(0);
  for (let k = 0; k < CRITERIA_COUNT; k++) row[k] = p.criteria[k] ? 1 : 0;
  const band = BAND_INDEX.get(p.ageBand) ?? 0;
  if (band > 0) row[CRITERIA_COUNT + band - 1] = 1;
  let j = CRITERIA_COUNT + TF_AGE_BANDS.length - 1;
  row[j++] = p.outcomes.offences?.before ?? 0;
  row[j++] = p.outcomes.asb_incidents?.before ?? 0;
  row[j++] = p.outcomes.dv_incidents?.before ?? 0;
  row[j++] = absence ? absence.before : 0;
  row[j++] = absence ? 0 : 1;
  row[j] = p.outcomes.out_of_work_benefits?.before ?? 0;
  return row;
}

/**
 * Weighted mean and population variance of every covariate over the rows, in one pass over them
 * (the same figures as weightedMoments column by column, without copying each column).
 */
function columnMoments(xs: Float64Array, index: readonly number[], weights?: readonly number[]): { mean: number; variance: number }[] {
  const p = COVARIATE_NAMES.length;
  const sum = new Float64Array(p);
  let sw = 0;
  for (let k = 0; k < index.length; k++) {
    const w = weights ? weights[k]! : 1;
    const o = index[k]! * p;
    sw += w;
    for (let j = 0; j < p; j++) sum[j] = sum[j]! + w * xs[o + j]!;
  }
  const mean = Array.from(sum, (v) => (sw > 0 ? v / sw : Number.NaN));
  const ss = new Float64Array(p);
  for (let k = 0; k < index.length; k++) {
    const w = weights ? weights[k]! : 1;
    const o = index[k]! * p;
    for (let j = 0; j < p; j++) ss[j] = ss[j]! + w * (xs[o + j]! - mean[j]!) ** 2;
  }
  return mean.map((m, j) => ({ mean: m, variance: sw > 0 ? ss[j]! / sw : Number.NaN }));
}

/**
 * A population prepared once for any number of evaluations of its parts (scopes.ts): outcome
 * columns, family numbers, covariates and criteria, computed per person once.
 */
export interface Prepared {
  readonly persons: readonly TfPerson[];
  readonly cols: Columns;
  readonly x: readonly (readonly number[])[];
  /** The same covariates as one flat matrix (row i at i × COVARIATE_NAMES.length), for the balance sums. */
  readonly xs: Float64Array;
  /** The criteria met, as bits (criterion k is bit k). */
  readonly mask: Uint8Array;
}

export function prepare(persons: readonly TfPerson[]): Prepared {
  const mask = new Uint8Array(persons.length);
  persons.forEach((p, i) => {
    let m = 0;
    p.criteria.forEach((c, k) => {
      if (c) m |= 1 << k;
    });
    mask[i] = m;
  });
  const x = persons.map(covariates);
  const p = COVARIATE_NAMES.length;
  const xs = new Float64Array(persons.length * p);
  x.forEach((r, i) => xs.set(r, i * p));
  return { persons, cols: columns(persons), x, xs, mask };
}

/** Propensity-score matches of a prepared population: each treated position's comparison position, or -1. */
export interface PopulationMatching {
  readonly matchOf: Int32Array;
  readonly caliper: number;
  readonly converged: boolean;
}

/**
 * Fits the logistic propensity model on the population and matches each treated person to the
 * nearest comparison person of the same council, cohort and age band within the caliper
 * (decision 092). Because matching never crosses a council or a cohort, the matches of any part of
 * the population made of whole councils and cohorts are the matches found here (scopes.ts fits
 * once per run and reuses them). Null without both groups.
 */
export function matchPopulation(prep: Prepared, options: { caliperSd?: number } = {}): PopulationMatching | null {
  const { persons, x } = prep;
  const treated: number[] = [];
  const comparison: number[] = [];
  persons.forEach((p, i) => (p.group === "treatment" ? treated : comparison).push(i));
  if (treated.length === 0 || comparison.length === 0) return null;
  const all = [...treated, ...comparison];
  const fit = fitLogistic(
    all.map((i) => x[i]!),
    all.map((i) => (persons[i]!.group === "treatment" ? 1 : 0)),
  );
  const scores = logitScores(
    fit,
    all.map((i) => x[i]!),
  );
  const nt = treated.length;
  const stratum = (p: TfPerson) => `${p.council}\u0000${p.cohort}\u0000${p.ageBand}`;
  const result = nearestNeighbourMatch(
    treated.map((i, k) => ({ score: scores[k]!, stratum: stratum(persons[i]!) })),
    comparison.map((i, k) => ({ score: scores[nt + k]!, stratum: stratum(persons[i]!) })),
    { caliperSd: options.caliperSd },
  );
  const matchOf = new Int32Array(persons.length).fill(-1);
  result.matchOf.forEach((m, k) => {
    if (m >= 0) matchOf[treated[k]!] = comparison[m]!;
  });
  return { matchOf, caliper: result.caliper, converged: fit.converged };
}

/**
 * The whole evaluation of a population (one council or all, one cohort or all): group sizes,
 * criteria profile, naive before/after per group, difference in differences, propensity-score
 * matched difference in differences and the balance table (decision 092). Pure and deterministic.
 */
export function evaluate(persons: readonly TfPerson[], options: { caliperSd?: number } = {}): Evaluation {
  const prep = prepare(persons);
  return evaluateSubset(
    prep,
    persons.map((_, i) => i),
    matchPopulation(prep, options),
  );
}

/** The evaluation of the people at `index` of a prepared population, with matches found on the whole of it. */
export function evaluateSubset(prep: Prepared, index: readonly number[], m: PopulationMatching | null): Evaluation {
  const { persons, cols, xs, mask } = prep;
  const byGroup: Record<TfGroup, number[]> = { treatment: [], comparison: [] };
  for (const i of index) byGroup[persons[i]!.group].push(i);
  const familiesIn = (list: readonly number[]) => {
    const { seen, touched } = cols.scratch;
    let count = 0;
    for (const i of list) {
      const f = cols.family[i]!;
      if (seen[f] === 0) {
        seen[f] = 1;
        touched[count++] = f;
      }
    }
    for (let k = 0; k < count; k++) seen[touched[k]!] = 0;
    return count;
  };
  const sizes = Object.fromEntries(TF_GROUPS.map((g) => [g, { people: byGroup[g].length, families: familiesIn(byGroup[g]) }])) as Record<
    TfGroup,
    GroupSize
  >;

  // Families by group and criteria met (each family once, as its first person in the subset).
  const cellCounts = new Map<number, FamilyCell>();
  {
    const { seen, touched } = cols.scratch;
    let count = 0;
    for (const i of index) {
      const f = cols.family[i]!;
      if (seen[f] === 1) continue;
      seen[f] = 1;
      touched[count++] = f;
      const p = persons[i]!;
      const key = (p.group === "treatment" ? 64 : 0) + mask[i]!;
      const cell = cellCounts.get(key);
      cellCounts.set(key, { group: p.group, criteria: cell?.criteria ?? p.criteria, families: (cell?.families ?? 0) + 1 });
    }
    for (let k = 0; k < count; k++) seen[touched[k]!] = 0;
  }
  const familyCells = [...cellCounts.values()];

  const criteria = CRITERION_LABELS.map((criterion, k) => {
    const count = (g: TfGroup) => familiesIn(byGroup[g].filter((i) => (mask[i]! & (1 << k)) !== 0));
    return { criterion, treatment: count("treatment"), comparison: count("comparison") };
  });

  // Matched pairs inside the subset (matches never leave a council or cohort), as positions.
  const pairs: { treated: number; match: number }[] = [];
  let matching: Evaluation["matching"] = null;
  let balance: BalanceRow[] = [];
  if (m && byGroup.treatment.length > 0 && byGroup.comparison.length > 0) {
    const timesUsed = new Map<number, number>();
    for (const i of byGroup.treatment) {
      const match = m.matchOf[i]!;
      if (match < 0) continue;
      pairs.push({ treated: i, match });
      timesUsed.set(match, (timesUsed.get(match) ?? 0) + 1);
    }
    matching = {
      treatedPeople: byGroup.treatment.length,
      matchedPeople: pairs.length,
      comparisonPeopleUsed: timesUsed.size,
      matchedComparisonFamilies: familiesIn([...timesUsed.keys()]),
      caliper: m.caliper,
      converged: m.converged,
    };

    // Balance: standardised differences of every covariate, before and after matching, on the
    // pre-matching pooled standard deviation.
    const t0 = columnMoments(xs, byGroup.treatment);
    const c0 = columnMoments(xs, byGroup.comparison);
    const t1 = columnMoments(
      xs,
      pairs.map((p) => p.treated),
    );
    const c1 = columnMoments(xs, [...timesUsed.keys()], [...timesUsed.values()]);
    balance = COVARIATE_NAMES.map((covariate, j) => {
      const sd = Math.sqrt((t0[j]!.variance + c0[j]!.variance) / 2);
      return {
        covariate,
        before: standardisedMeanDifference(t0[j]!, c0[j]!),
        after: pairs.length > 0 ? standardisedMeanDifference(t1[j]!, c1[j]!, sd) : Number.NaN,
      };
    });
  }

  const outcomes: OutcomeResult[] = TF_OUTCOMES.map(({ id }) => {
    const naive = {
      treatment: groupOutcomeOf(cols, byGroup.treatment, null, id),
      comparison: groupOutcomeOf(cols, byGroup.comparison, null, id),
    };
    let matchedResult: OutcomeResult["matched"] = null;
    if (pairs.length > 0) {
      // Pairs where both people have the outcome (absence applies to school-age people only).
      const B = cols.before[id];
      const usable = pairs.filter((p) => !Number.isNaN(B[p.treated]!) && !Number.isNaN(B[p.match]!));
      const compWeights = new Map<number, number>();
      for (const p of usable) compWeights.set(p.match, (compWeights.get(p.match) ?? 0) + 1);
      const t = groupOutcomeOf(
        cols,
        usable.map((p) => p.treated),
        null,
        id,
      );
      const c = groupOutcomeOf(cols, [...compWeights.keys()], [...compWeights.values()], id);
      const did = didOf(t, c);
      if (t && c && did) matchedResult = { treatment: t, comparison: c, did };
    }
    return { outcome: id, naive, did: didOf(naive.treatment, naive.comparison), matched: matchedResult };
  });

  return { sizes, familyCells, criteria, outcomes, balance, matching };
}

export { differenceInDifferences };
