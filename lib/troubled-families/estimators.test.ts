import { describe, expect, it } from "vitest";
import { assemblePopulation } from "./population";
import { fitLogistic, logitScores, nearestNeighbourMatch } from "./propensity";
import { Z95, clusteredMean, differenceInDifferences, standardisedMeanDifference, weightedMoments } from "./stats";
import { groupOutcome } from "./evaluate";
import type { TfPerson } from "./types";
import { Rng } from "@/lib/demo/rng";

const obs = (values: number[], clusters: string[], weights?: number[]) =>
  values.map((value, i) => ({ value, cluster: clusters[i]!, weight: weights?.[i] ?? 1 }));

describe("cluster-robust mean", () => {
  it("matches the hand computation: residual sums per family, squared, with G/(G−1)", () => {
    // Values 1,3 (family a), 5 (b), 7 (c): mean 4; residual sums a: −3−1 = −4, b: 1, c: 3;
    // Σ = 16 + 1 + 9 = 26; Var = 3/2 · 26 / 4² = 2.4375; SE = 1.5612…
    const m = clusteredMean(obs([1, 3, 5, 7], ["a", "a", "b", "c"]));
    expect(m.mean).toBe(4);
    expect(m.se).toBeCloseTo(Math.sqrt(2.4375), 12);
    expect(m.n).toBe(4);
    expect(m.clusters).toBe(3);
  });

  it("with one person per family equals the usual standard error s/√n", () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    const m = clusteredMean(
      obs(
        values,
        values.map((_, i) => `f${i}`),
      ),
    );
    // Sample variance 32/7: CR1 with singleton clusters is n/(n−1)·Σe²/n² = s²/n.
    expect(m.se).toBeCloseTo(Math.sqrt(32 / 7 / 8), 12);
  });

  it("weights count a person as many times as matched", () => {
    const weighted = clusteredMean(obs([1, 3], ["a", "b"], [3, 1]));
    expect(weighted.mean).toBe(1.5);
  });

  it("has no standard error with a single family", () => {
    expect(clusteredMean(obs([1, 2], ["a", "a"])).se).toBeNaN();
  });
});

describe("difference in differences", () => {
  it("is the treatment change minus the comparison change, variances added, 95 % interval ±1.96 SE", () => {
    // Treatment changes −2, −4 (families t1, t2): mean −3, Var = 2/1·(1+1)/4 = 1.
    // Comparison changes 0, −2 (c1, c2): mean −1, Var 1. DiD −2, SE √2.
    const d = differenceInDifferences(obs([-2, -4], ["t1", "t2"]), obs([0, -2], ["c1", "c2"]));
    expect(d.estimate).toBe(-2);
    expect(d.se).toBeCloseTo(Math.SQRT2, 12);
    expect(Z95).toBeCloseTo(1.959964, 6);
    expect(d.lower).toBeCloseTo(-2 - 1.959964 * Math.SQRT2, 5);
    expect(d.upper).toBeCloseTo(-2 + 1.959964 * Math.SQRT2, 5);
  });
});

describe("standardised mean difference", () => {
  it("divides the difference by the root mean of the two variances", () => {
    const t = weightedMoments([1, 1, 0, 0]); // mean .5, variance .25
    const c = weightedMoments([1, 0, 0, 0]); // mean .25, variance .1875
    expect(standardisedMeanDifference(t, c)).toBeCloseTo(0.25 / Math.sqrt((0.25 + 0.1875) / 2), 12);
    expect(standardisedMeanDifference(t, c, 0.5)).toBeCloseTo(0.5, 12);
    expect(standardisedMeanDifference({ mean: 1, variance: 0 }, { mean: 1, variance: 0 })).toBe(0);
  });

  it("weighted moments repeat a value by its weight", () => {
    expect(weightedMoments([1, 3], [3, 1])).toEqual(weightedMoments([1, 1, 1, 3]));
  });
});

describe("logistic regression (IRLS)", () => {
  it("with one binary covariate reproduces the log odds of each cell", () => {
    // x = 0: 1 of 4 treated (log odds ln(1/3)); x = 1: 3 of 4 (ln 3).
    const x = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const y = [1, 0, 0, 0, 1, 1, 1, 0] as (0 | 1)[];
    const fit = fitLogistic(x, y, { ridge: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log(1 / 3), 8);
    expect(fit.coefficients[1]).toBeCloseTo(Math.log(3) - Math.log(1 / 3), 8);
    expect(logitScores(fit, [[1]])[0]).toBeCloseTo(Math.log(3), 8);
  });

  it("stays finite when a covariate separates the groups", () => {
    const fit = fitLogistic([[0], [0], [1], [1]], [0, 0, 1, 1]);
    expect(fit.coefficients.every(Number.isFinite)).toBe(true);
  });
});

describe("nearest-neighbour matching with a caliper", () => {
  it("matches each treated unit to the nearest comparison in its stratum, with replacement, within the caliper", () => {
    const treated = [
      { score: 0.0, stratum: "a" },
      { score: 0.1, stratum: "a" },
      { score: 5.0, stratum: "a" },
      { score: 0.0, stratum: "b" },
    ];
    const comparison = [
      { score: 0.05, stratum: "a" },
      { score: 0.5, stratum: "a" },
      { score: 3.0, stratum: "a" },
      { score: 0.2, stratum: "b" },
    ];
    const r = nearestNeighbourMatch(treated, comparison, { caliperSd: 0.2 });
    // Sample SD of all eight scores: mean 1.10625, Σ(x − x̄)² = 24.5088, SD = √(24.5088/7) = 1.8711;
    // caliper 0.3742: the treated unit at 5.0 finds no one within it.
    expect(r.caliper).toBeCloseTo(0.2 * 1.8711, 3);
    expect([...r.matchOf]).toEqual([0, 0, -1, 3]);
    expect([...r.timesUsed]).toEqual([2, 0, 0, 1]);
    expect(r.unmatched).toBe(1);
  });

  it("breaks ties towards the earlier comparison unit", () => {
    const r = nearestNeighbourMatch(
      [{ score: 1, stratum: "s" }],
      [
        { score: 2, stratum: "s" },
        { score: 0, stratum: "s" },
      ],
      { caliperSd: 10 },
    );
    expect([...r.matchOf]).toEqual([0]);
  });
});

function person(family: string, cohort: string, group: TfPerson["group"], offences: [number, number], band: TfPerson["ageBand"] = "25-49"): TfPerson {
  return {
    familyKey: family,
    personKey: `${family}-${cohort}-${offences.join("")}`,
    council: "c",
    cohort,
    group,
    ageBand: band,
    criteria: [true, true, false, false, false, false],
    outcomes: {
      offences: { before: offences[0], after: offences[1] },
      asb_incidents: { before: 0, after: 0 },
      dv_incidents: { before: 0, after: 0 },
      absence_rate: null,
      out_of_work_benefits: { before: 1, after: 0 },
    },
  };
}

describe("group outcomes", () => {
  it("naive before/after per group, with the two largest families' share for counts", () => {
    const g = groupOutcome(
      [person("f1", "2016-H1", "treatment", [4, 1]), person("f2", "2016-H1", "treatment", [2, 1]), person("f3", "2016-H1", "treatment", [0, 1])].map(
        (p) => ({ person: p, weight: 1 }),
      ),
      "offences",
    )!;
    expect(g.before.mean).toBe(2);
    expect(g.after.mean).toBe(1);
    expect(g.change.estimate).toBe(-1);
    expect(g.families).toBe(3);
    expect(g.concentration!.before).toEqual({ total: 6, topTwoShare: 1 });
    expect(g.concentration!.after.topTwoShare).toBeCloseTo(2 / 3, 12);
  });

  it("measures an outcome only on the ages it applies to (offences from 11)", () => {
    const g = groupOutcome([{ person: person("f1", "2016-H1", "treatment", [3, 0], "5-10"), weight: 1 }], "offences");
    expect(g).toBeNull();
  });

  it("shows benefits as a percentage", () => {
    const g = groupOutcome([{ person: person("f1", "2016-H1", "treatment", [0, 0]), weight: 1 }], "out_of_work_benefits")!;
    expect(g.before.mean).toBe(100);
    expect(g.after.mean).toBe(0);
  });
});

describe("who enters the evaluation", () => {
  it("a comparison family that joins later counts as treatment from that batch on; its earlier rows stay but are not used", () => {
    const rows = [
      person("f1", "2016-H1", "comparison", [2, 2]),
      person("f1", "2016-H2", "treatment", [2, 1]),
      person("f1", "2017-H1", "comparison", [1, 1]),
      person("f2", "2016-H1", "comparison", [1, 1]),
      person("f2", "2016-H2", "comparison", [1, 0]),
      person("f3", "2016-H2", "treatment", [3, 1]),
    ];
    const { persons, movedToTreatment, rowsNotUsed } = assemblePopulation(rows);
    expect(persons.map((p) => [p.familyKey, p.cohort, p.group])).toEqual([
      ["f1", "2016-H2", "treatment"],
      ["f2", "2016-H1", "comparison"],
      ["f3", "2016-H2", "treatment"],
    ]);
    expect(movedToTreatment).toBe(1);
    expect(rowsNotUsed).toBe(3);
  });
});

describe("group outcomes agree with the reference estimator", () => {
  it("means, cluster-robust errors and concentration equal clusteredMean's on random weighted families", () => {
    const rng = new Rng(7);
    for (let round = 0; round < 20; round++) {
      const people = Array.from({ length: 5 + rng.int(0, 60) }, (_, i) => ({
        person: person(`f${rng.int(0, 12)}`, "2016-H1", "treatment", [rng.int(0, 5), rng.int(0, 5)], rng.int(0, 4) === 0 ? "5-10" : "25-49"),
        weight: 1 + rng.int(0, 3),
        i,
      }));
      const g = groupOutcome(people, "offences");
      const used = people.filter((p) => p.person.ageBand !== "5-10");
      if (used.length === 0) {
        expect(g).toBeNull();
        continue;
      }
      const obsOf = (v: (p: TfPerson) => number) => used.map((p) => ({ value: v(p.person), cluster: p.person.familyKey, weight: p.weight }));
      const before = clusteredMean(obsOf((p) => p.outcomes.offences!.before));
      const after = clusteredMean(obsOf((p) => p.outcomes.offences!.after));
      const change = clusteredMean(obsOf((p) => p.outcomes.offences!.after - p.outcomes.offences!.before));
      expect(g!.before.mean).toBeCloseTo(before.mean, 10);
      expect(g!.after.mean).toBeCloseTo(after.mean, 10);
      expect(g!.change.estimate).toBeCloseTo(change.mean, 10);
      if (Number.isNaN(change.se)) expect(g!.change.se).toBeNaN();
      else {
        expect(g!.before.se).toBeCloseTo(before.se, 10);
        expect(g!.change.se).toBeCloseTo(change.se, 10);
      }
      expect(g!.families).toBe(change.clusters);
      const totals = new Map<string, number>();
      for (const p of used) totals.set(p.person.familyKey, (totals.get(p.person.familyKey) ?? 0) + p.weight * p.person.outcomes.offences!.before);
      const top = [...totals.values()].sort((a, b) => b - a);
      const total = top.reduce((a, b) => a + b, 0);
      expect(g!.concentration!.before.total).toBeCloseTo(total, 10);
      expect(g!.concentration!.before.topTwoShare).toBeCloseTo(total > 0 ? ((top[0] ?? 0) + (top[1] ?? 0)) / total : 0, 10);
    }
  });
});
