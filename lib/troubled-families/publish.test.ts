import { describe, expect, it } from "vitest";
import { evaluate } from "./evaluate";
import { generateTroubledFamilies } from "./generate";
import { assemblePopulation } from "./population";
import { DEFAULT_ESTIMATE_RULES, publishEvaluation } from "./publish";
import type { TfPerson } from "./types";

function family(i: number, group: TfPerson["group"], offences: [number, number], members = 1): TfPerson[] {
  return Array.from({ length: members }, (_, m) => ({
    familyKey: `f${group}${i}`,
    personKey: `p${group}${i}-${m}`,
    council: "c",
    cohort: "2016-H1",
    group,
    ageBand: "25-49" as const,
    criteria: [true, i % 2 === 0, false, true, false, false],
    outcomes: {
      offences: { before: offences[0], after: offences[1] },
      asb_incidents: { before: 1, after: 1 },
      dv_incidents: { before: 0, after: 0 },
      absence_rate: null,
      out_of_work_benefits: { before: 1, after: i % 2 },
    },
  }));
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("disclosure control for estimates", () => {
  it("refuses every mean and estimate of a group with fewer than 10 families, saying why", () => {
    const persons = [...range(12).flatMap((i) => family(i, "treatment", [2, 1], 2)), ...range(9).flatMap((i) => family(i, "comparison", [2, 2], 3))];
    const pub = publishEvaluation(evaluate(persons));
    const offences = pub.outcomes.find((o) => o.outcome === "offences")!;
    expect(offences.naive.treatment.shown).toBe(true);
    expect(offences.naive.comparison).toEqual({
      shown: false,
      reason: "Not shown: the comparison group has fewer than 10 families with a value for offences, too few for a mean or an estimate.",
    });
    expect(offences.did.shown).toBe(false);
    expect(offences.did.shown ? "" : offences.did.reason).toMatch(/fewer than 10 families/);
    expect(pub.balance.shown).toBe(false);
  });

  it("shows estimates for groups of 10 families or more (the threshold is a setting)", () => {
    const persons = [...range(10).flatMap((i) => family(i, "treatment", [2, 1])), ...range(10).flatMap((i) => family(i, "comparison", [2, 2]))];
    const shown = publishEvaluation(evaluate(persons));
    const offences = shown.outcomes.find((o) => o.outcome === "offences")!;
    expect(offences.did).toMatchObject({ shown: true, value: { estimate: -1 } });
    const stricter = publishEvaluation(evaluate(persons), { ...DEFAULT_ESTIMATE_RULES, minUnits: 11 });
    expect(stricter.outcomes.find((o) => o.outcome === "offences")!.did.shown).toBe(false);
  });

  it("refuses a count outcome where the two largest families hold more than 90 % of the group's total", () => {
    const persons = [
      ...range(10).flatMap((i) => family(i, "treatment", i < 2 ? [20, 10] : [0, 0])),
      ...range(10).flatMap((i) => family(i, "comparison", [2, 2])),
    ];
    const pub = publishEvaluation(evaluate(persons));
    const offences = pub.outcomes.find((o) => o.outcome === "offences")!;
    expect(offences.naive.treatment).toEqual({
      shown: false,
      reason:
        "Not shown: two families account for more than 90 % of the treatment group's offences before attachment, so an estimate would reveal them.",
    });
    expect(offences.did.shown).toBe(false);
    // The share outcome has no dominance rule: benefits are yes/no per person.
    expect(pub.outcomes.find((o) => o.outcome === "out_of_work_benefits")!.naive.treatment.shown).toBe(true);
  });

  it("publishes group and criteria counts through the disclosure engine, suppressing small ones", () => {
    const persons = [...range(20).flatMap((i) => family(i, "treatment", [1, 1])), ...range(3).flatMap((i) => family(i, "comparison", [1, 1]))];
    const pub = publishEvaluation(evaluate(persons));
    const families = pub.counts.tables.find((t) => t.id === "families")!;
    const comparison = families.cells.find((c) => c.key.group === "comparison")!;
    expect(comparison.value).toMatchObject({ suppressed: true });
    // Not recoverable by subtraction: the total or the treatment count is suppressed as well.
    const total = families.cells.find((c) => c.total)!;
    const treatment = families.cells.find((c) => c.key.group === "treatment")!;
    expect(total.value.suppressed || treatment.value.suppressed).toBe(true);
  });

  it("never publishes means of covariates, minima, maxima or residuals: the balance table has only standardised differences", () => {
    const { persons } = assemblePopulation(generateTroubledFamilies({ seed: 3, familiesPerBatch: 60 }));
    const pub = publishEvaluation(evaluate(persons));
    expect(pub.balance.shown).toBe(true);
    if (!pub.balance.shown) return;
    for (const row of pub.balance.value) expect(Object.keys(row).sort()).toEqual(["after", "before", "covariate"]);
    const text = JSON.stringify(pub);
    expect(text).not.toMatch(/"(min|max|minimum|maximum|residuals?|outliers?|topTwoShare|concentration)"/);
  });
});
