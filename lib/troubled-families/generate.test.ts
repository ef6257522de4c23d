import { describe, expect, it } from "vitest";
import { assemblePopulation } from "./population";
import { evaluate } from "./evaluate";
import { PLANTED_EFFECT, generateTroubledFamilies } from "./generate";

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 37);

describe("planted Troubled Families data: the matched estimate recovers the planted effect", () => {
  const runs = SEEDS.map((seed) => {
    const { persons } = assemblePopulation(generateTroubledFamilies({ seed }));
    const result = evaluate(persons);
    const offences = result.outcomes.find((o) => o.outcome === "offences")!;
    return { seed, naive: offences.did!, matched: offences.matched!.did, treatedChange: offences.naive.treatment!.change, result };
  });

  it("the matched 95 % interval covers the planted value in at least 90 % of seeds", () => {
    const covered = runs.filter((r) => r.matched.lower <= PLANTED_EFFECT.offences && PLANTED_EFFECT.offences <= r.matched.upper);
    console.log(
      JSON.stringify(
        runs.map((r) => ({
          seed: r.seed,
          naive: +r.naive.estimate.toFixed(3),
          matched: +r.matched.estimate.toFixed(3),
          se: +r.matched.se.toFixed(3),
        })),
      ),
    );
    expect(covered.length / runs.length).toBeGreaterThanOrEqual(0.9);
  });

  it("the naive estimates are further from the planted value than the matched ones", () => {
    const err = (v: number) => Math.abs(v - PLANTED_EFFECT.offences);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(runs.map((r) => err(r.naive.estimate)))).toBeGreaterThan(mean(runs.map((r) => err(r.matched.estimate))));
    expect(mean(runs.map((r) => err(r.treatedChange.estimate)))).toBeGreaterThan(mean(runs.map((r) => err(r.matched.estimate))));
    // Seed by seed, not just on average.
    const better = runs.filter((r) => err(r.naive.estimate) > err(r.matched.estimate));
    expect(better.length / runs.length).toBeGreaterThanOrEqual(0.9);
  });

  it("matching improves balance: every covariate's |SMD| after matching is below 0.1 on average", () => {
    const balance = runs[0]!.result.balance;
    expect(balance.length).toBeGreaterThan(10);
    const before = balance.reduce((s, b) => s + Math.abs(b.before), 0) / balance.length;
    const after = balance.reduce((s, b) => s + Math.abs(b.after), 0) / balance.length;
    expect(after).toBeLessThan(before);
    expect(after).toBeLessThan(0.1);
  });

  it("is deterministic per seed and differs between seeds", () => {
    const a = generateTroubledFamilies({ seed: 5 });
    expect(generateTroubledFamilies({ seed: 5 })).toEqual(a);
    expect(generateTroubledFamilies({ seed: 6 })).not.toEqual(a);
  });

  it("sends some comparison families again as treatment in a later batch", () => {
    const rows = generateTroubledFamilies({ seed: 5 });
    const { movedToTreatment, rowsNotUsed } = assemblePopulation(rows);
    expect(movedToTreatment).toBeGreaterThan(0);
    expect(rowsNotUsed).toBeGreaterThan(0);
  });
});
