import { describe, expect, it } from "vitest";
import { drawElgScores, goodLevelOfDevelopment, type ElgScore } from "@/lib/demo/eyfsp";
import { Rng } from "@/lib/demo/rng";

const all = (s: ElgScore): ElgScore[] => Array.from({ length: 17 }, () => s);

describe("goodLevelOfDevelopment", () => {
  it("needs at least expected in each of the first 12 goals", () => {
    expect(goodLevelOfDevelopment(all("2"))).toBe(true);
    const miss = all("3");
    miss[11] = "1";
    expect(goodLevelOfDevelopment(miss)).toBe(false);
    const outsideGld = all("2");
    outsideGld[12] = "1";
    expect(goodLevelOfDevelopment(outsideGld)).toBe(true);
  });

  it("excludes children absent from a GLD goal, not from the others", () => {
    const absent = all("2");
    absent[4] = "A";
    expect(goodLevelOfDevelopment(absent)).toBeNull();
    const absentElsewhere = all("2");
    absentElsewhere[16] = "A";
    expect(goodLevelOfDevelopment(absentElsewhere)).toBe(true);
  });
});

describe("drawElgScores", () => {
  it("makes higher development more likely to reach GLD", () => {
    const rate = (development: number) => {
      const rng = new Rng(9);
      let ready = 0;
      for (let i = 0; i < 2_000; i++) if (goodLevelOfDevelopment(drawElgScores(rng, development))) ready++;
      return ready / 2_000;
    };
    expect(rate(0)).toBeLessThan(rate(1));
    expect(rate(1)).toBeLessThan(rate(2));
  });
});
