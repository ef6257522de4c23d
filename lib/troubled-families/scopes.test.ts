import { describe, expect, it } from "vitest";
import type { CellValue, ProtectedPublication } from "@/lib/disclosure";
import { PLANTED_EFFECT, generateTroubledFamilies } from "./generate";
import { assemblePopulation } from "./population";
import { ALL, evaluateScopes } from "./scopes";
import type { TfPerson } from "./types";

/** `n` families of one person each, all in one council, cohort and group. */
function families(council: string, cohort: string, group: TfPerson["group"], n: number, criteria: boolean[], seed = 0): TfPerson[] {
  return Array.from({ length: n }, (_, i) => ({
    familyKey: `${council}-${cohort}-${group}-${seed}-${i}`,
    personKey: `${council}-${cohort}-${group}-${seed}-${i}-p`,
    council,
    cohort,
    group,
    ageBand: "25-49" as const,
    criteria,
    outcomes: {
      offences: { before: i % 4, after: (i + 1) % 3 },
      asb_incidents: { before: i % 2, after: 0 },
      dv_incidents: { before: 0, after: i % 2 },
      absence_rate: null,
      out_of_work_benefits: { before: 1, after: i % 2 },
    },
  }));
}

const FIRST = [true, true, false, false, false, false];
const THIRD = [true, false, true, false, false, false];

const cell = (pub: ProtectedPublication, table: string, group: string | null): CellValue =>
  pub.tables.find((t) => t.id === table)!.cells.find((c) => c.key.group === group)!.value;
const shownValue = (v: CellValue) => (!v.suppressed && v.value !== null ? v.value : null);

describe("the evaluation of every council and cohort, published together", () => {
  it("a council's small count is withheld, and cannot be recovered as all councils minus the other council", () => {
    const persons = [
      ...families("a", "2016-H1", "treatment", 40, FIRST),
      ...families("a", "2016-H1", "comparison", 30, FIRST),
      ...families("a", "2016-H1", "comparison", 12, THIRD, 1),
      ...families("b", "2016-H1", "treatment", 25, FIRST),
      ...families("b", "2016-H1", "comparison", 20, FIRST),
      ...families("b", "2016-H1", "comparison", 3, THIRD, 1),
    ];
    const results = evaluateScopes(persons);
    const of = (scope: string, cohort = ALL) => results.find((r) => r.scope === scope && r.cohort === cohort)!.published.counts;
    expect(cell(of("b"), "criterion_3", "comparison")).toMatchObject({ suppressed: true });
    // Every published pair: all = a + b; with b hidden, all and a are never both shown.
    for (const table of ["families", ...Array.from({ length: 6 }, (_, k) => `criterion_${k + 1}`)]) {
      for (const group of ["treatment", "comparison"]) {
        const all = shownValue(cell(of(ALL), table, group));
        const a = shownValue(cell(of("a"), table, group));
        const b = shownValue(cell(of("b"), table, group));
        const known = [all, a, b].filter((v) => v !== null).length;
        // Two of the three shown reveal the third; so either all three are shown or at most one.
        expect(known === 3 || known <= 1, `${table} ${group}: ${all} ${a} ${b}`).toBe(true);
        if (b !== null && a !== null && all !== null) expect(all).toBe(a + b);
      }
    }
  });

  it("withholds the estimates of all councils when one council's group is small enough to be differenced out", () => {
    const persons = [
      ...families("a", "2016-H1", "treatment", 40, FIRST),
      ...families("a", "2016-H1", "comparison", 40, FIRST),
      ...families("b", "2016-H1", "treatment", 6, FIRST),
      ...families("b", "2016-H1", "comparison", 30, FIRST),
    ];
    const results = evaluateScopes(persons);
    const est = (scope: string) => results.find((r) => r.scope === scope && r.cohort === ALL)!.published.outcomes[0]!;
    // b's own treatment group is too small: refused on its own.
    expect(est("b").naive.treatment).toMatchObject({ shown: false });
    // a is shown; all councils would then reveal b's six treated families by difference.
    expect(est("a").naive.treatment).toMatchObject({ shown: true });
    const all = est(ALL).naive.treatment;
    expect(all.shown).toBe(false);
    if (!all.shown) expect(all.reason).toMatch(/one council.*fewer than 10 families/);
  });

  it("shows every scope when all groups are large, and one council's scope equals all councils when it is the only one", () => {
    const persons = [...families("a", "2016-H1", "treatment", 30, FIRST), ...families("a", "2016-H1", "comparison", 30, FIRST)];
    const results = evaluateScopes(persons);
    expect(results.map((r) => `${r.scope}/${r.cohort}`).sort()).toEqual(["a/2016-H1", "a/all", "all/2016-H1", "all/all"]);
    for (const r of results) expect(r.published.outcomes[0]!.did.shown).toBe(true);
  });

  it("on planted data, the pooled matched estimate of all councils covers the planted effect", () => {
    const { persons } = assemblePopulation(generateTroubledFamilies({ seed: 1234, familiesPerBatch: 400 }));
    const results = evaluateScopes(persons);
    const pooled = results.find((r) => r.scope === ALL && r.cohort === ALL)!.published.outcomes.find((o) => o.outcome === "offences")!;
    expect(pooled.matched.shown).toBe(true);
    if (pooled.matched.shown) {
      expect(pooled.matched.value.did.lower).toBeLessThanOrEqual(PLANTED_EFFECT.offences);
      expect(pooled.matched.value.did.upper).toBeGreaterThanOrEqual(PLANTED_EFFECT.offences);
    }
    // 2 councils × 4 cohorts, each pooled, and all of them pooled.
    expect(results).toHaveLength(3 * 5);
  });
});
