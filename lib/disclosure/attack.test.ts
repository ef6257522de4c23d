import { describe, expect, it } from "vitest";
import { planPublication, primarySuppression, protectPublication, renderPublication } from "./protect";
import { attack, smallGroupTargets, suppressedLineSumTargets, suppressedTargets } from "./testing/attacker";
import type { ProtectedPublication, PublicationRequest, UnitCell } from "./types";

function cells(rows: readonly [Record<string, string | number | boolean>, number][]): UnitCell[] {
  return rows.map(([values, count]) => ({ values, count }));
}

/** What a naive portal would publish: the small cells hidden, nothing else. */
function primaryOnly(request: PublicationRequest): ProtectedPublication {
  const plan = planPublication(request);
  return renderPublication(plan, primarySuppression(plan));
}

function expectSafe(request: PublicationRequest, publication: ProtectedPublication) {
  const threshold = request.threshold ?? 5;
  const targets = [
    ...suppressedTargets(request, publication),
    ...smallGroupTargets(request, threshold),
    ...suppressedLineSumTargets(request, publication, threshold),
  ];
  const result = attack(request, publication, targets);
  expect(result.derived.map((d) => d.target.label)).toEqual([]);
  return targets;
}

describe("intruder: one suppressed cell in a row with a published total", () => {
  const request: PublicationRequest = {
    base: {
      dimensions: { gender: ["F", "M"] },
      cells: cells([
        [{ gender: "F" }, 3],
        [{ gender: "M" }, 20],
      ]),
    },
    tables: [{ id: "children-by-gender", rows: ["gender"], measure: { kind: "count" }, totals: true }],
  };

  it("recovers the hidden count by subtraction when only primary suppression is applied", () => {
    const naive = primaryOnly(request);
    expect(naive.tables[0]?.cells.map((c) => c.value)).toEqual([
      { suppressed: true, reason: "primary" },
      { suppressed: false, value: 20 },
      { suppressed: false, value: 23 },
    ]);
    const result = attack(request, naive, suppressedTargets(request, naive));
    expect(result.derived).toHaveLength(1);
    expect(result.derived[0]?.value).toBe(3);
  });

  it("cannot recover anything once the engine adds the complementary suppression", () => {
    const protectedPub = protectPublication(request);
    expect(protectedPub.tables[0]?.cells.map((c) => c.value)).toEqual([
      { suppressed: true, reason: "primary" },
      { suppressed: true, reason: "secondary" },
      { suppressed: false, value: 23 },
    ]);
    expect(expectSafe(request, protectedPub).length).toBeGreaterThan(0);
  });
});

describe("intruder: two tables sharing a total", () => {
  // Each table is harmless alone: the first has no total, the second is one number. Together
  // the shared population total turns "M = 20" into "F = 3".
  const request: PublicationRequest = {
    base: {
      dimensions: { gender: ["F", "M"], fsm: [true, false] },
      cells: cells([
        [{ gender: "F", fsm: true }, 1],
        [{ gender: "F", fsm: false }, 2],
        [{ gender: "M", fsm: true }, 8],
        [{ gender: "M", fsm: false }, 12],
      ]),
    },
    tables: [
      { id: "by-gender", rows: ["gender"], measure: { kind: "count" } },
      { id: "by-fsm", rows: ["fsm"], measure: { kind: "count" }, totals: true },
    ],
  };

  it("is defeated only by protecting the tables jointly", () => {
    const separately = request.tables.map((table) => protectPublication({ ...request, tables: [table] }));
    const pooled: ProtectedPublication = {
      threshold: 5,
      tables: separately.map((p) => p.tables[0]!),
      summary: { primary: 0, secondary: 0, published: 0, protectedHiddenGroups: 0 },
    };
    const leaked = attack(request, pooled, suppressedTargets(request, pooled));
    expect(leaked.derived.map((d) => [d.target.label, d.value])).toEqual([[expect.stringContaining('"gender":"F"'), 3]]);

    const joint = protectPublication(request);
    expectSafe(request, joint);
    const byGender = joint.tables[0]!.cells.map((c) => c.value);
    expect(byGender).toEqual([
      { suppressed: true, reason: "primary" },
      { suppressed: true, reason: "secondary" },
    ]);
  });
});

describe("intruder: GLD by gender and GLD by FSM on one cohort", () => {
  const request: PublicationRequest = {
    base: {
      dimensions: { gender: ["F", "M"], fsm: [true, false], gld: [true, false] },
      cells: cells([
        [{ gender: "F", fsm: true, gld: true }, 2],
        [{ gender: "F", fsm: true, gld: false }, 5],
        [{ gender: "F", fsm: false, gld: true }, 30],
        [{ gender: "F", fsm: false, gld: false }, 9],
        [{ gender: "M", fsm: true, gld: true }, 2],
        [{ gender: "M", fsm: true, gld: false }, 8],
        [{ gender: "M", fsm: false, gld: true }, 25],
        [{ gender: "M", fsm: false, gld: false }, 14],
      ]),
    },
    tables: [
      { id: "gld-by-gender", rows: ["gender"], measure: { kind: "percentage", numerator: { gld: true } }, totals: true },
      { id: "gld-by-fsm", rows: ["fsm"], measure: { kind: "percentage", numerator: { gld: true } }, totals: true },
    ],
  };

  it("leaks the FSM numerator through the shared totals without secondary suppression", () => {
    const naive = primaryOnly(request);
    const derived = attack(request, naive, suppressedTargets(request, naive)).derived;
    expect(derived.map((d) => d.value)).toContain(4);
  });

  it("protects every hidden number and every small group jointly", () => {
    const pub = protectPublication(request);
    const fsm = pub.tables[1]!.cells[0]!;
    expect(fsm.numerator).toEqual({ suppressed: true, reason: "primary" });
    expect(fsm.value).toEqual({ suppressed: true, reason: "percentage" });
    expectSafe(request, pub);
  });
});

describe("intruder: 2-D table with all margins", () => {
  const request: PublicationRequest = {
    base: {
      dimensions: { year: [2016, 2017, 2018], district: ["a", "b", "c"] },
      cells: cells([
        [{ year: 2016, district: "a" }, 4],
        [{ year: 2016, district: "b" }, 17],
        [{ year: 2016, district: "c" }, 22],
        [{ year: 2017, district: "a" }, 19],
        [{ year: 2017, district: "b" }, 30],
        [{ year: 2017, district: "c" }, 12],
        [{ year: 2018, district: "a" }, 25],
        [{ year: 2018, district: "b" }, 21],
        [{ year: 2018, district: "c" }, 40],
      ]),
    },
    tables: [{ id: "year-by-district", rows: ["year"], columns: ["district"], measure: { kind: "count" }, totals: true }],
  };

  it("needs a full rectangle of suppressions, which the engine finds", () => {
    const naive = primaryOnly(request);
    expect(attack(request, naive, suppressedTargets(request, naive)).derived[0]?.value).toBe(4);
    const pub = protectPublication(request);
    const suppressed = pub.tables[0]!.cells.filter((c) => c.value.suppressed);
    // One primary cannot be hidden with fewer than four interior cells in two rows and two columns.
    expect(suppressed.length).toBe(4);
    expect(new Set(suppressed.map((c) => c.key.year)).size).toBe(2);
    expect(new Set(suppressed.map((c) => c.key.district)).size).toBe(2);
    expect(suppressed.every((c) => !c.total)).toBe(true);
    expectSafe(request, pub);
  });
});

describe("intruder: differencing two filtered tables", () => {
  // "FSM children by year" minus "FSM children not at GLD by year" is "FSM children at GLD by
  // year", a group no table shows. Only 2 of them in 2017.
  const request: PublicationRequest = {
    base: {
      dimensions: { year: [2016, 2017], fsm: [true, false], gld: [true, false] },
      cells: cells([
        [{ year: 2016, fsm: true, gld: true }, 11],
        [{ year: 2016, fsm: true, gld: false }, 9],
        [{ year: 2016, fsm: false, gld: true }, 60],
        [{ year: 2016, fsm: false, gld: false }, 20],
        [{ year: 2017, fsm: true, gld: true }, 2],
        [{ year: 2017, fsm: true, gld: false }, 14],
        [{ year: 2017, fsm: false, gld: true }, 55],
        [{ year: 2017, fsm: false, gld: false }, 25],
      ]),
    },
    tables: [
      { id: "fsm-by-year", rows: ["year"], filter: { fsm: true }, measure: { kind: "count" } },
      { id: "fsm-not-gld-by-year", rows: ["year"], filter: { fsm: true, gld: false }, measure: { kind: "count" } },
    ],
  };

  it("derives the unpublished small group from primary-only output", () => {
    const naive = primaryOnly(request);
    expect(naive.tables.flatMap((t) => t.cells).every((c) => !c.value.suppressed)).toBe(true);
    const derived = attack(request, naive, smallGroupTargets(request, 5)).derived;
    expect(derived.map((d) => [d.target.trueValue, d.value])).toContainEqual([2, 2]);
  });

  it("keeps it underivable once protected", () => {
    const pub = protectPublication(request);
    expect(pub.summary.protectedHiddenGroups).toBeGreaterThan(0);
    expect(pub.summary.secondary).toBeGreaterThan(0);
    expectSafe(request, pub);
  });
});

describe("intruder: all but a few", () => {
  it("hides a percentage whose complement is small (38 of 40 reveals that 2 did not)", () => {
    const request: PublicationRequest = {
      base: {
        dimensions: { school: ["x", "y"], gld: [true, false] },
        cells: cells([
          [{ school: "x", gld: true }, 38],
          [{ school: "x", gld: false }, 2],
          [{ school: "y", gld: true }, 30],
          [{ school: "y", gld: false }, 25],
        ]),
      },
      tables: [{ id: "gld-by-school", rows: ["school"], measure: { kind: "percentage", numerator: { gld: true } }, totals: true }],
    };
    const naive = primaryOnly(request);
    const leaked = attack(request, naive, smallGroupTargets(request, 5)).derived;
    expect(leaked.map((d) => d.value)).toContain(2);
    const pub = protectPublication(request);
    expect(pub.tables[0]!.cells[0]!.value).toEqual({ suppressed: true, reason: "percentage" });
    expectSafe(request, pub);
  });
});
