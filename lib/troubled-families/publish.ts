import { protectPublication, type ProtectedPublication, type TableSpec, type UnitCell } from "@/lib/disclosure";
import { CRITERION_LABELS, type BalanceRow, type Evaluation, type GroupOutcome } from "./evaluate";
import type { Interval, MeanEstimate } from "./stats";
import { TF_GROUPS, TF_OUTCOMES, type TfGroup, type TfOutcomeId } from "./types";

/**
 * Disclosure control for the evaluation's estimates (decision 092). Counts go through the one
 * engine (lib/disclosure) like every other table. Means, differences and model outputs are new
 * kinds of output with their own rules, as UK secure research environments apply them:
 *   - only for groups of at least `minUnits` families (the unit: the family, which is what a
 *     reader could recognise);
 *   - for count outcomes, no estimate where the two largest families contribute more than
 *     `dominance` of the group's total (before or after), because the mean would then reveal them;
 *   - never a minimum, maximum, residual or outlier: none is computed, and the balance table
 *     carries only standardised differences, not the groups' means.
 * Every refusal carries its reason in words.
 */
export interface EstimateRules {
  /** Families a group needs before a mean or an estimate from it is shown. Default 10. */
  readonly minUnits: number;
  /** Largest share of a count outcome's total the two largest families may hold. Default 0.9. */
  readonly dominance: number;
  /** Counts at or below this are suppressed by the engine. */
  readonly countThreshold: number;
}

export const DEFAULT_ESTIMATE_RULES: EstimateRules = { minUnits: 10, dominance: 0.9, countThreshold: 5 };

export type Shown<T> = { readonly shown: true; readonly value: T } | { readonly shown: false; readonly reason: string };

export interface PublishedGroupOutcome {
  readonly before: number;
  readonly after: number;
  readonly change: Interval;
}

export interface PublishedOutcome {
  readonly outcome: TfOutcomeId;
  readonly label: string;
  readonly unit: string;
  readonly naive: Record<TfGroup, Shown<PublishedGroupOutcome>>;
  readonly did: Shown<Interval>;
  readonly matched: Shown<{ readonly treatment: PublishedGroupOutcome; readonly comparison: PublishedGroupOutcome; readonly did: Interval }>;
}

export interface PublishedEvaluation {
  /** Families by group and criteria met: protected jointly (primary and secondary suppression). */
  readonly counts: ProtectedPublication;
  readonly outcomes: readonly PublishedOutcome[];
  readonly balance: Shown<readonly BalanceRow[]>;
  readonly matching: Shown<{ readonly caliper: number; readonly converged: boolean }>;
  readonly rules: EstimateRules;
}

const GROUP_WORD: Record<TfGroup, string> = { treatment: "treatment", comparison: "comparison" };

/** Why a group's estimate cannot be shown, or null when it can. */
export function refusalReason(g: GroupOutcome | null, group: string, outcome: TfOutcomeId, rules: EstimateRules): string | null {
  const label = TF_OUTCOMES.find((o) => o.id === outcome)!.label.toLowerCase();
  if (!g) return `Not shown: no one in the ${group} group has a value for ${label} (it applies to some ages only).`;
  if (g.families < rules.minUnits) {
    return `Not shown: the ${group} group has fewer than ${rules.minUnits} families with a value for ${label}, too few for a mean or an estimate.`;
  }
  if (g.concentration) {
    for (const when of ["before", "after"] as const) {
      if (g.concentration[when].topTwoShare > rules.dominance) {
        return `Not shown: two families account for more than ${Math.round(rules.dominance * 100)} % of the ${group} group's ${label} ${when} attachment, so an estimate would reveal them.`;
      }
    }
  }
  return null;
}

const plain = (m: MeanEstimate) => m.mean;

function shownGroup(g: GroupOutcome | null, group: string, outcome: TfOutcomeId, rules: EstimateRules): Shown<PublishedGroupOutcome> {
  const reason = refusalReason(g, group, outcome, rules);
  if (reason !== null || !g) return { shown: false, reason: reason ?? "Not shown." };
  return { shown: true, value: { before: plain(g.before), after: plain(g.after), change: g.change } };
}

function familyCountBase(ev: Evaluation): UnitCell[] {
  return ev.familyCells.map((c) => ({
    values: {
      group: c.group,
      ...Object.fromEntries(c.criteria.map((met, k) => [`criterion_${k + 1}`, met])),
    },
    count: c.families,
  }));
}

/**
 * The count tables of one evaluation: families by group (with the total) and, per criterion, the
 * families meeting it by group. `filter` narrows them to a council or cohort and `prefix` keeps
 * their ids apart when several evaluations are protected together (lib/troubled-families/scopes.ts).
 */
export function familyCountTables(filter: Readonly<Record<string, string>> = {}, prefix = ""): TableSpec[] {
  return [
    { id: `${prefix}families`, columns: ["group"], filter, measure: { kind: "count" }, totals: true },
    ...CRITERION_LABELS.map((_, k) => ({
      id: `${prefix}criterion_${k + 1}`,
      columns: ["group"],
      filter: { ...filter, [`criterion_${k + 1}`]: true },
      measure: { kind: "count" as const },
    })),
  ];
}

/**
 * Publishes one evaluation. Its counts are protected on their own unless `counts` is given: the
 * tables of several evaluations protected jointly, so that no suppressed count of one can be
 * recovered by differencing it against another (scopes.ts does this for councils and cohorts).
 */
export function publishEvaluation(ev: Evaluation, rules: EstimateRules = DEFAULT_ESTIMATE_RULES, counts?: ProtectedPublication): PublishedEvaluation {
  const dimensions: Record<string, readonly (string | boolean)[]> = { group: [...TF_GROUPS] };
  CRITERION_LABELS.forEach((_, k) => (dimensions[`criterion_${k + 1}`] = [true, false]));
  counts ??= protectPublication({
    threshold: rules.countThreshold,
    base: { dimensions, cells: familyCountBase(ev) },
    tables: familyCountTables(),
  });

  const outcomes = ev.outcomes.map((o): PublishedOutcome => {
    const def = TF_OUTCOMES.find((d) => d.id === o.outcome)!;
    const naive = {
      treatment: shownGroup(o.naive.treatment, GROUP_WORD.treatment, o.outcome, rules),
      comparison: shownGroup(o.naive.comparison, GROUP_WORD.comparison, o.outcome, rules),
    };
    const refusedNaive = [naive.treatment, naive.comparison].find((g) => !g.shown);
    const did: Shown<Interval> =
      refusedNaive && !refusedNaive.shown
        ? { shown: false, reason: refusedNaive.reason }
        : o.did
          ? { shown: true, value: o.did }
          : { shown: false, reason: "Not shown: no estimate." };

    let matched: PublishedOutcome["matched"];
    if (!o.matched) {
      matched = { shown: false, reason: "Not shown: no treated person found a comparison within the caliper." };
    } else {
      const t = shownGroup(o.matched.treatment, "matched treatment", o.outcome, rules);
      const c = shownGroup(o.matched.comparison, "matched comparison", o.outcome, rules);
      matched = !t.shown ? t : !c.shown ? c : { shown: true, value: { treatment: t.value, comparison: c.value, did: o.matched.did } };
    }
    return { outcome: o.outcome, label: def.label, unit: def.unit, naive, did, matched };
  });

  const m = ev.matching;
  const matchedFamiliesOk = m !== null && m.matchedComparisonFamilies >= rules.minUnits && ev.sizes.treatment.families >= rules.minUnits;
  const balance: Shown<readonly BalanceRow[]> = !m
    ? { shown: false, reason: "Not shown: matching needs both a treatment and a comparison group." }
    : !matchedFamiliesOk
      ? { shown: false, reason: `Not shown: fewer than ${rules.minUnits} families on one side of the matched comparison.` }
      : { shown: true, value: ev.balance };
  const matching: PublishedEvaluation["matching"] = !m
    ? { shown: false, reason: "Not shown: matching needs both a treatment and a comparison group." }
    : !matchedFamiliesOk
      ? { shown: false, reason: `Not shown: fewer than ${rules.minUnits} families on one side of the matched comparison.` }
      : { shown: true, value: { caliper: m.caliper, converged: m.converged } };

  return { counts, outcomes, balance, matching, rules };
}
