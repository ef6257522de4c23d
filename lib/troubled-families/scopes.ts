import { protectPublication, type ProtectedPublication, type UnitCell } from "@/lib/disclosure";
import { CRITERION_LABELS, evaluateSubset, matchPopulation, prepare, type Evaluation } from "./evaluate";
import { DEFAULT_ESTIMATE_RULES, familyCountTables, publishEvaluation, type EstimateRules, type PublishedEvaluation } from "./publish";
import { TF_GROUPS, type TfGroup, type TfPerson } from "./types";

/** "all" for every council (or every cohort) together; otherwise a council's id or a batch period. */
export const ALL = "all";

export interface ScopeResult {
  /** "all", or the council (organisation id). */
  readonly scope: string;
  /** "all" (the cohorts pooled), or one batch period. */
  readonly cohort: string;
  readonly published: PublishedEvaluation;
}

interface Scoped {
  readonly scope: string;
  readonly cohort: string;
  readonly ev: Evaluation;
  /** Families per group: what the complement rule below compares. */
  readonly families: Record<TfGroup, number>;
}

function refuseEstimates(p: PublishedEvaluation, reason: string): PublishedEvaluation {
  const no = { shown: false as const, reason };
  return {
    ...p,
    outcomes: p.outcomes.map((o) => ({ ...o, naive: { treatment: no, comparison: no }, did: no, matched: no })),
    balance: no,
    matching: no,
  };
}

/**
 * The evaluation for every scope the agreement publishes: each council and all councils together,
 * each cohort and the cohorts pooled (decision 095).
 *
 * Publishing nested populations side by side opens differencing: all councils minus one council is
 * the other councils; the pooled cohorts minus one cohort are the rest. So
 *   - the counts of every scope are protected in ONE publication over a base that also carries the
 *     council and the cohort, so the engine's secondary suppression covers differences between
 *     scopes as it covers differences between the tables of one scope;
 *   - a scope's estimates (means, differences in differences, balance) are withheld when a smaller
 *     published scope inside it leaves a remainder of fewer than `minUnits` families in a group:
 *     the remainder's mean would follow from the two published means and the group sizes.
 */
export function evaluateScopes(persons: readonly TfPerson[], rules: EstimateRules = DEFAULT_ESTIMATE_RULES): ScopeResult[] {
  const councils = [...new Set(persons.map((p) => p.council))].sort();
  const cohorts = [...new Set(persons.map((p) => p.cohort))].sort();
  // Prepared once and matched once for the whole population: matches never cross a council or
  // cohort, so every scope's matched pairs are a subset of these.
  const prep = prepare(persons);
  const matching = matchPopulation(prep);
  const byScope = new Map<string, number[]>([[ALL, []], ...councils.map((c): [string, number[]] => [c, []])]);
  persons.forEach((p, i) => {
    byScope.get(ALL)!.push(i);
    byScope.get(p.council)!.push(i);
  });

  const scoped: Scoped[] = [];
  for (const [scope, index] of byScope) {
    const byCohort = new Map<string, number[]>();
    for (const i of index) {
      const k = persons[i]!.cohort;
      let list = byCohort.get(k);
      if (!list) byCohort.set(k, (list = []));
      list.push(i);
    }
    for (const [cohort, list] of [[ALL, index] as const, ...cohorts.map((k) => [k, byCohort.get(k) ?? []] as const)]) {
      if (list.length === 0) continue;
      const ev = evaluateSubset(prep, list, matching);
      scoped.push({ scope, cohort, ev, families: { treatment: ev.sizes.treatment.families, comparison: ev.sizes.comparison.families } });
    }
  }

  const counts = protectJointly(persons, scoped, councils, cohorts, rules);
  const key = (s: { scope: string; cohort: string }) => `${s.scope}|${s.cohort}`;

  // Smallest scopes first: whether a scope's estimates are shown depends on the scopes inside it.
  const order = [...scoped].sort((a, b) => rank(a) - rank(b));
  const shownEstimates = new Set<string>();
  const results = new Map<string, ScopeResult>();
  for (const s of order) {
    const published = publishEvaluation(s.ev, rules, counts.get(key(s)));
    const inside = order.filter((t) => t !== s && contains(s, t) && shownEstimates.has(key(t)));
    const blocker = inside.find((t) =>
      TF_GROUPS.some((g) => {
        const rest = s.families[g] - t.families[g];
        return rest > 0 && rest < rules.minUnits;
      }),
    );
    const final = blocker
      ? refuseEstimates(
          published,
          `Not shown: with the published figures for ${describe(blocker, s)}, these estimates would reveal a group of fewer than ${rules.minUnits} families.`,
        )
      : published;
    if (final.outcomes.some((o) => o.naive.treatment.shown || o.naive.comparison.shown)) shownEstimates.add(key(s));
    results.set(key(s), { scope: s.scope, cohort: s.cohort, published: final });
  }
  return scoped.map((s) => results.get(key(s))!);
}

/** Council-and-cohort scopes first, then one of the two pooled, then all of everything. */
const rank = (s: { scope: string; cohort: string }) => (s.scope === ALL ? 1 : 0) + (s.cohort === ALL ? 1 : 0);

/** Whether the population of `outer` includes that of `inner` (and is not the same scope). */
function contains(outer: { scope: string; cohort: string }, inner: { scope: string; cohort: string }): boolean {
  const scopeOk = outer.scope === ALL || outer.scope === inner.scope;
  const cohortOk = outer.cohort === ALL || outer.cohort === inner.cohort;
  return scopeOk && cohortOk && (outer.scope !== inner.scope || outer.cohort !== inner.cohort);
}

function describe(inner: { scope: string; cohort: string }, outer: { scope: string; cohort: string }): string {
  const parts: string[] = [];
  if (inner.scope !== outer.scope) parts.push("one council");
  if (inner.cohort !== outer.cohort) parts.push(`the ${inner.cohort} cohort`);
  return parts.join(" in ");
}

/** Every scope's count tables protected together, split back per scope (same summary for all). */
function protectJointly(
  persons: readonly TfPerson[],
  scoped: readonly Scoped[],
  councils: readonly string[],
  cohorts: readonly string[],
  rules: EstimateRules,
): Map<string, ProtectedPublication> {
  const dimensions: Record<string, readonly (string | boolean)[]> = { council: councils, cohort: cohorts, group: [...TF_GROUPS] };
  CRITERION_LABELS.forEach((_, k) => (dimensions[`criterion_${k + 1}`] = [true, false]));
  // One unit cell per family: council, cohort, group and the criteria met.
  const cells = new Map<string, UnitCell>();
  const seen = new Set<string>();
  for (const p of persons) {
    const family = `${p.council}\u0000${p.familyKey.toLowerCase()}`;
    if (seen.has(family)) continue;
    seen.add(family);
    const k = `${p.council}|${p.cohort}|${p.group}|${p.criteria.map((c) => (c ? 1 : 0)).join("")}`;
    const cell = cells.get(k);
    cells.set(k, {
      values: {
        council: p.council,
        cohort: p.cohort,
        group: p.group,
        ...Object.fromEntries(p.criteria.map((met, j) => [`criterion_${j + 1}`, met])),
      },
      count: (cell?.count ?? 0) + 1,
    });
  }
  const prefixOf = (s: { scope: string; cohort: string }) => `${s.scope}|${s.cohort}|`;
  const tables = scoped.flatMap((s) => {
    const filter: Record<string, string> = {};
    if (s.scope !== ALL) filter.council = s.scope;
    if (s.cohort !== ALL) filter.cohort = s.cohort;
    return familyCountTables(filter, prefixOf(s));
  });
  const joint = protectPublication({ threshold: rules.countThreshold, base: { dimensions, cells: [...cells.values()] }, tables });
  const out = new Map<string, ProtectedPublication>();
  for (const s of scoped) {
    const prefix = prefixOf(s);
    out.set(`${s.scope}|${s.cohort}`, {
      threshold: joint.threshold,
      summary: joint.summary,
      tables: joint.tables.filter((t) => t.id.startsWith(prefix)).map((t) => ({ ...t, id: t.id.slice(prefix.length) })),
    });
  }
  return out;
}
