import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ELG_COLUMNS, ELG_GLD_COLUMNS, goodLevelOfDevelopment, totalPointScore, type ElgScores } from "@/lib/datasets";

const scores = (v: 1 | 2 | 3 | null, overrides: Partial<Record<string, 1 | 2 | 3 | null>> = {}) =>
  ({ ...Object.fromEntries(ELG_COLUMNS.map((c) => [c, v])), ...overrides }) as ElgScores;

describe("Good Level of Development", () => {
  it("is reached when each of elg01–elg12 is expected or exceeding", () => {
    expect(goodLevelOfDevelopment(scores(2))).toBe(true);
    expect(goodLevelOfDevelopment(scores(3))).toBe(true);
    expect(goodLevelOfDevelopment(scores(2, { elg11_numbers: 1 }))).toBe(false);
  });

  it("ignores the specific areas outside literacy and mathematics", () => {
    expect(goodLevelOfDevelopment(scores(2, { elg13_people_communities: 1, elg17_being_imaginative: null }))).toBe(true);
  });

  it("is undefined (null) when any GLD goal is absent, even with a 1 elsewhere", () => {
    expect(goodLevelOfDevelopment(scores(2, { elg05_health_self_care: null }))).toBeNull();
    expect(goodLevelOfDevelopment(scores(1, { elg12_shape_space_measures: null }))).toBeNull();
  });

  it("matches its definition (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<1 | 2 | 3 | null>(1, 2, 3, null), { minLength: 17, maxLength: 17 }), (values) => {
        const s = Object.fromEntries(ELG_COLUMNS.map((c, i) => [c, values[i]!])) as ElgScores;
        const gldValues = values.slice(0, ELG_GLD_COLUMNS.length);
        const expected = gldValues.includes(null) ? null : gldValues.every((v) => v !== null && v >= 2);
        expect(goodLevelOfDevelopment(s)).toBe(expected);
      }),
    );
  });
});

describe("total point score", () => {
  it("ranges 17–51 and is null when a goal is absent", () => {
    expect(totalPointScore(scores(1))).toBe(17);
    expect(totalPointScore(scores(3))).toBe(51);
    expect(totalPointScore(scores(2, { elg16_media_materials: 3 }))).toBe(35);
    expect(totalPointScore(scores(2, { elg16_media_materials: null }))).toBeNull();
  });
});
