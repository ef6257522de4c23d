import { nearestNeighbourMatch, fitLogistic, logitScores } from "./propensity";
import {
  clusteredMean,
  differenceInDifferences,
  standardisedMeanDifference,
  weightedMoments,
  type Interval,
  type MeanEstimate,
  type Obs,
  Z95,
} from "./stats";
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

const familyOf = (p: TfPerson) => `${p.council}\u0000${p.familyKey.toLowerCase()}`;

/** Outcome values in display units: shares (yes/no) become per cent. */
function valueOf(p: TfPerson, outcome: TfOutcomeId, when: "before" | "after"): number | null {
  const o = p.outcomes[outcome];
  if (!o || !(BANDS[outcome] as readonly string[]).includes(p.ageBand)) return null;
  return outcome === "out_of_work_benefits" ? o[when] * 100 : o[when];
}

function concentration(values: readonly { family: string; value: number; weight: number }[]): Concentration {
  const totals = new Map<string, number>();
  let total = 0;
  for (const v of values) {
    totals.set(v.family, (totals.get(v.family) ?? 0) + v.value * v.weight);
    total += v.value * v.weight;
  }
  const top = [...totals.values()].sort((a, b) => b - a);
  return { total, topTwoShare: total > 0 ? ((top[0] ?? 0) + (top[1] ?? 0)) / total : 0 };
}

/** One group's before, after and change for an outcome, optionally weighted (matched comparison). */
export function groupOutcome(people: readonly { person: TfPerson; weight: number }[], outcome: TfOutcomeId): GroupOutcome | null {
  const before: Obs[] = [];
  const after: Obs[] = [];
  const change: Obs[] = [];
  const counted: { family: string; value: number; weight: number }[][] = [[], []];
  for (const { person, weight } of people) {
    const b = valueOf(person, outcome, "before");
    const a = valueOf(person, outcome, "after");
    if (b === null || a === null) continue;
    const cluster = familyOf(person);
    before.push({ value: b, cluster, weight });
    after.push({ value: a, cluster, weight });
    change.push({ value: a - b, cluster, weight });
    counted[0]!.push({ family: cluster, value: b, weight });
    counted[1]!.push({ family: cluster, value: a, weight });
  }
  if (change.length === 0) return null;
  const c = clusteredMean(change);
  const isCount = TF_OUTCOMES.find((o) => o.id === outcome)!.kind === "count";
  return {
    before: clusteredMean(before),
    after: clusteredMean(after),
    change: { estimate: c.mean, se: c.se, lower: c.mean - Z95 * c.se, upper: c.mean + Z95 * c.se },
    families: c.clusters,
    concentration: isCount ? { before: concentration(counted[0]!), after: concentration(counted[1]!) } : null,
  };
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

export function covariates(p: TfPerson): number[] {
  const absence = p.outcomes.absence_rate;
  return [
    ...p.criteria.map((c) => (c ? 1 : 0)),
    ...TF_AGE_BANDS.slice(1).map((b) => (p.ageBand === b ? 1 : 0)),
    p.outcomes.offences?.before ?? 0,
    p.outcomes.asb_incidents?.before ?? 0,
    p.outcomes.dv_incidents?.before ?? 0,
    absence ? absence.before : 0,
    absence ? 0 : 1,
    p.outcomes.out_of_work_benefits?.before ?? 0,
  ];
}

/**
 * The whole evaluation of a population (one council or all, one cohort or all): group sizes,
 * criteria profile, naive before/after per group, difference in differences, propensity-score
 * matched difference in differences and the balance table (decision 092). Pure and deterministic.
 */
export function evaluate(persons: readonly TfPerson[], options: { caliperSd?: number } = {}): Evaluation {
  const byGroup: Record<TfGroup, TfPerson[]> = { treatment: [], comparison: [] };
  for (const p of persons) byGroup[p.group].push(p);
  const sizes = Object.fromEntries(
    TF_GROUPS.map((g) => [g, { people: byGroup[g].length, families: new Set(byGroup[g].map(familyOf)).size }]),
  ) as Record<TfGroup, GroupSize>;

  const cellCounts = new Map<string, FamilyCell>();
  const seenFamilies = new Set<string>();
  for (const p of persons) {
    const f = familyOf(p);
    if (seenFamilies.has(f)) continue;
    seenFamilies.add(f);
    const key = `${p.group}:${p.criteria.map((c) => (c ? 1 : 0)).join("")}`;
    const cell = cellCounts.get(key);
    cellCounts.set(key, { group: p.group, criteria: p.criteria, families: (cell?.families ?? 0) + 1 });
  }
  const familyCells = [...cellCounts.values()];

  const criteria = CRITERION_LABELS.map((criterion, k) => {
    const count = (g: TfGroup) => new Set(byGroup[g].filter((p) => p.criteria[k]).map(familyOf)).size;
    return { criterion, treatment: count("treatment"), comparison: count("comparison") };
  });

  const weighted = (list: readonly TfPerson[]) => list.map((person) => ({ person, weight: 1 }));
  const naiveOf = (outcome: TfOutcomeId) => ({
    treatment: groupOutcome(weighted(byGroup.treatment), outcome),
    comparison: groupOutcome(weighted(byGroup.comparison), outcome),
  });

  // Propensity score and matching (only with both groups present).
  let matched: { treated: { person: TfPerson; match: TfPerson }[]; weights: Map<TfPerson, number> } | null = null;
  let matching: Evaluation["matching"] = null;
  let balance: BalanceRow[] = [];
  if (byGroup.treatment.length > 0 && byGroup.comparison.length > 0) {
    const all = [...byGroup.treatment, ...byGroup.comparison];
    const x = all.map(covariates);
    const fit = fitLogistic(x, all.map((p) => (p.group === "treatment" ? 1 : 0)));
    const scores = logitScores(fit, x);
    const nt = byGroup.treatment.length;
    const stratum = (p: TfPerson) => `${p.council}\u0000${p.cohort}\u0000${p.ageBand}`;
    const result = nearestNeighbourMatch(
      byGroup.treatment.map((p, i) => ({ score: scores[i]!, stratum: stratum(p) })),
      byGroup.comparison.map((p, i) => ({ score: scores[nt + i]!, stratum: stratum(p) })),
      { caliperSd: options.caliperSd },
    );
    const pairs: { person: TfPerson; match: TfPerson }[] = [];
    const weights = new Map<TfPerson, number>();
    result.matchOf.forEach((m, i) => {
      if (m < 0) return;
      const match = byGroup.comparison[m]!;
      pairs.push({ person: byGroup.treatment[i]!, match });
      weights.set(match, (weights.get(match) ?? 0) + 1);
    });
    matched = { treated: pairs, weights };
    matching = {
      treatedPeople: nt,
      matchedPeople: pairs.length,
      comparisonPeopleUsed: weights.size,
      matchedComparisonFamilies: new Set([...weights.keys()].map(familyOf)).size,
      caliper: result.caliper,
      converged: fit.converged,
    };

    // Balance: standardised differences of every covariate, before and after matching, on the
    // pre-matching pooled standard deviation.
    const xt = x.slice(0, nt);
    const xc = x.slice(nt);
    const matchedT = pairs.map((p) => covariates(p.person));
    const matchedC = [...weights.keys()].map(covariates);
    const matchedW = [...weights.values()];
    balance = COVARIATE_NAMES.map((covariate, j) => {
      const t0 = weightedMoments(xt.map((r) => r[j]!));
      const c0 = weightedMoments(xc.map((r) => r[j]!));
      const sd = Math.sqrt((t0.variance + c0.variance) / 2);
      const t1 = weightedMoments(matchedT.map((r) => r[j]!));
      const c1 = weightedMoments(matchedC.map((r) => r[j]!), matchedW);
      return {
        covariate,
        before: standardisedMeanDifference(t0, c0),
        after: pairs.length > 0 ? standardisedMeanDifference(t1, c1, sd) : Number.NaN,
      };
    });
  }

  const outcomes: OutcomeResult[] = TF_OUTCOMES.map(({ id }) => {
    const naive = naiveOf(id);
    let matchedResult: OutcomeResult["matched"] = null;
    if (matched && matched.treated.length > 0) {
      // Pairs where both people have the outcome (absence applies to school-age people only).
      const usable = matched.treated.filter((p) => valueOf(p.person, id, "before") !== null && valueOf(p.match, id, "before") !== null);
      const compWeights = new Map<TfPerson, number>();
      for (const p of usable) compWeights.set(p.match, (compWeights.get(p.match) ?? 0) + 1);
      const t = groupOutcome(usable.map((p) => ({ person: p.person, weight: 1 })), id);
      const c = groupOutcome([...compWeights].map(([person, weight]) => ({ person, weight })), id);
      const did = didOf(t, c);
      if (t && c && did) matchedResult = { treatment: t, comparison: c, did };
    }
    return { outcome: id, naive, did: didOf(naive.treatment, naive.comparison), matched: matchedResult };
  });

  return { sizes, familyCells, criteria, outcomes, balance, matching };
}

export { differenceInDifferences };
