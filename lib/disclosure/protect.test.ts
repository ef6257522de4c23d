import { describe, expect, it } from "vitest";
import { DisclosureError } from "./errors";
import { percentage, protectPublication } from "./protect";
import type { CellValue, PublicationRequest, TableSpec, UnitCell } from "./types";

const byGender: TableSpec = { id: "by-gender", rows: ["gender"], measure: { kind: "count" }, totals: true };

function genderBase(f: number, m: number, x = 40): PublicationRequest["base"] {
  return {
    dimensions: { gender: ["F", "M", "X"] },
    cells: [
      { values: { gender: "F" }, count: f },
      { values: { gender: "M" }, count: m },
      { values: { gender: "X" }, count: x },
    ],
  };
}

function values(request: PublicationRequest, table = 0): CellValue[] {
  return protectPublication(request).tables[table]!.cells.map((c) => c.value);
}

function error(run: () => unknown): DisclosureError {
  try {
    run();
  } catch (e) {
    if (e instanceof DisclosureError) return e;
    throw e;
  }
  throw new Error("expected a DisclosureError");
}

describe("primary suppression", () => {
  it("suppresses a count equal to the threshold and publishes threshold + 1", () => {
    const cells = values({ base: genderBase(5, 6, 50), tables: [{ ...byGender, totals: false }] });
    expect(cells[0]).toEqual({ suppressed: true, reason: "primary" });
    // Without a total, hiding 5 needs no complement.
    expect(cells[1]).toEqual({ suppressed: false, value: 6 });
    expect(cells[2]).toEqual({ suppressed: false, value: 50 });
  });

  it("defaults to a threshold of 5 and honours a stricter setting of 10", () => {
    const request: PublicationRequest = { base: genderBase(8, 30, 60), tables: [{ ...byGender, totals: false }] };
    expect(values(request)[0]).toEqual({ suppressed: false, value: 8 });
    expect(values({ ...request, threshold: 10 })[0]).toEqual({ suppressed: true, reason: "primary" });
    expect(protectPublication({ ...request, threshold: 10 }).threshold).toBe(10);
  });

  it("treats a zero like any other small count, whether listed or missing from the base", () => {
    const listed = values({ base: genderBase(0, 30, 60), tables: [{ ...byGender, totals: false }] });
    expect(listed[0]).toEqual({ suppressed: true, reason: "primary" });
    const missing = values({
      base: { dimensions: { gender: ["F", "M", "X"] }, cells: genderBase(0, 30, 60).cells.slice(1) },
      tables: [{ ...byGender, totals: false }],
    });
    expect(missing).toEqual(listed);
  });

  it("suppresses a small total and with it every component", () => {
    const cells = values({ base: genderBase(1, 2, 1), tables: [byGender] });
    expect(cells).toEqual(Array.from({ length: 4 }, () => ({ suppressed: true, reason: "primary" })));
  });

  it("suppresses a percentage whose denominator is small, marking why", () => {
    const request: PublicationRequest = {
      base: {
        dimensions: { gender: ["F", "M"], gld: [true, false] },
        cells: [
          { values: { gender: "F", gld: true }, count: 3 },
          { values: { gender: "F", gld: false }, count: 1 },
          { values: { gender: "M", gld: true }, count: 30 },
          { values: { gender: "M", gld: false }, count: 12 },
        ],
      },
      tables: [{ id: "gld", rows: ["gender"], measure: { kind: "percentage", numerator: { gld: true } } }],
    };
    const [f, m] = protectPublication(request).tables[0]!.cells;
    expect(f!.denominator).toEqual({ suppressed: true, reason: "primary" });
    expect(f!.numerator).toEqual({ suppressed: true, reason: "primary" });
    expect(f!.value).toEqual({ suppressed: true, reason: "percentage" });
    expect(m!.value).toEqual({ suppressed: false, value: 71.4 });
    expect(m!.numerator).toEqual({ suppressed: false, value: 30 });
    expect(m!.denominator).toEqual({ suppressed: false, value: 42 });
  });
});

describe("percentages", () => {
  it("round half up to one decimal place on exact integers", () => {
    expect(percentage(1, 3)).toBe(33.3);
    expect(percentage(2, 3)).toBe(66.7);
    expect(percentage(1, 8)).toBe(12.5);
    expect(percentage(1, 16)).toBe(6.3); // 6.25 exactly: half rounds up
    expect(percentage(1, 40)).toBe(2.5);
    expect(percentage(7, 7)).toBe(100);
    expect(percentage(0, 9)).toBe(0);
    expect(percentage(999, 1000)).toBe(99.9);
    expect(percentage(19999, 20000)).toBe(100); // 99.995 rounds up
  });
});

describe("complementary suppression", () => {
  it("shows the same total identically in every table that contains it", () => {
    const request: PublicationRequest = {
      base: {
        dimensions: { gender: ["F", "M"], fsm: [true, false] },
        cells: [
          { values: { gender: "F", fsm: true }, count: 2 },
          { values: { gender: "F", fsm: false }, count: 40 },
          { values: { gender: "M", fsm: true }, count: 9 },
          { values: { gender: "M", fsm: false }, count: 35 },
        ],
      },
      tables: [
        { id: "gender", rows: ["gender"], measure: { kind: "count" }, totals: true },
        { id: "fsm", rows: ["fsm"], measure: { kind: "count" }, totals: true },
        { id: "cross", rows: ["gender"], columns: ["fsm"], measure: { kind: "count" }, totals: true },
      ],
    };
    const pub = protectPublication(request);
    const totals = pub.tables.map((t) => t.cells.find((c) => Object.values(c.key).every((v) => v === null))!.value);
    expect(new Set(totals.map((v) => JSON.stringify(v))).size).toBe(1);
    const genderF = pub.tables[0]!.cells[0]!.value;
    const crossF = pub.tables[2]!.cells.find((c) => c.key.gender === "F" && c.key.fsm === null)!.value;
    expect(crossF).toEqual(genderF);
  });

  it("does not suppress anything when nothing is small", () => {
    const pub = protectPublication({ base: genderBase(20, 30, 40), tables: [byGender] });
    expect(pub.summary).toEqual({ primary: 0, secondary: 0, published: 4, protectedHiddenGroups: 0 });
  });

  it("hides a third cell when two small ones would be known to sum to the threshold or less", () => {
    // F + M = 45 - 40 = 5 would be derivable; with counts known to be non-negative that bounds
    // each of them by 5 and, had the sum been 0, would pin both. So the row needs a third [c].
    const pub = protectPublication({ base: genderBase(2, 3, 40), tables: [byGender] });
    expect(pub.tables[0]!.cells.map((c) => c.value)).toEqual([
      { suppressed: true, reason: "primary" },
      { suppressed: true, reason: "primary" },
      { suppressed: true, reason: "secondary" },
      { suppressed: false, value: 45 },
    ]);
  });

  it("lets small cells of one row protect each other when their sum is above the threshold", () => {
    const pub = protectPublication({ base: genderBase(4, 5, 40), tables: [byGender] });
    expect(pub.tables[0]!.cells.map((c) => c.value)).toEqual([
      { suppressed: true, reason: "primary" },
      { suppressed: true, reason: "primary" },
      { suppressed: false, value: 40 },
      { suppressed: false, value: 49 },
    ]);
  });

  it("republishes a complementary suppression that later ones made derivable anyway", () => {
    // The greedy pass first hides a total here; once the whole of column b is hidden that total
    // can be recomputed from the rows, so showing it again reveals nothing and is done.
    const pub = protectPublication({
      threshold: 3,
      base: {
        dimensions: { district: ["a", "b"], year: [2016, 2017] },
        cells: [
          { values: { district: "b", year: 2016 }, count: 40 },
          { values: { district: "b", year: 2017 }, count: 15 },
        ],
      },
      tables: [{ id: "t", rows: ["year"], columns: ["district"], measure: { kind: "count" }, totals: true }],
    });
    const shown = pub.tables[0]!.cells.map((c) => [c.key.year, c.key.district, c.value.suppressed ? c.value.reason : c.value.value]);
    expect(shown).toEqual([
      [2016, "a", "primary"],
      [2016, "b", "secondary"],
      [2016, null, 40],
      [2017, "a", "primary"],
      [2017, "b", "secondary"],
      [2017, null, 15],
      [null, "a", "primary"],
      [null, "b", "secondary"],
      [null, null, 55],
    ]);
  });
});

describe("structural zeros", () => {
  const base: PublicationRequest["base"] = {
    dimensions: { school: ["girls", "mixed"], gender: ["F", "M"] },
    cells: [
      { values: { school: "girls", gender: "F" }, count: 30 },
      { values: { school: "mixed", gender: "F" }, count: 25 },
      { values: { school: "mixed", gender: "M" }, count: 28 },
    ],
    structuralZeros: [{ school: "girls", gender: "M" }],
  };

  it("shows an impossible combination as not applicable, not as a suppressed zero", () => {
    const pub = protectPublication({
      base,
      tables: [{ id: "t", rows: ["school"], columns: ["gender"], measure: { kind: "count" }, totals: true }],
    });
    const cell = pub.tables[0]!.cells.find((c) => c.key.school === "girls" && c.key.gender === "M")!;
    expect(cell.value).toEqual({ suppressed: false, value: null });
    expect(pub.summary.primary).toBe(0);
    expect(pub.summary.secondary).toBe(0);
  });

  it("refuses a base that contradicts a declared structural zero", () => {
    const bad = { ...base, cells: [...base.cells, { values: { school: "girls", gender: "M" }, count: 1 }] };
    expect(error(() => protectPublication({ base: bad, tables: [byGender] })).code).toBe("invalid-base");
  });
});

describe("input validation fails closed with typed errors", () => {
  const ok: PublicationRequest = { base: genderBase(20, 30), tables: [byGender] };

  it.each([0, -5, 2.5, Number.NaN])("rejects threshold %s", (threshold) => {
    expect(error(() => protectPublication({ ...ok, threshold })).code).toBe("invalid-threshold");
  });

  it.each(["max", "min", "mean", "median", "sum"])("refuses the %s measure", (kind) => {
    const table = { id: "t", rows: ["gender"], measure: { kind } } as unknown as TableSpec;
    expect(error(() => protectPublication({ ...ok, tables: [table] })).code).toBe("unsupported-measure");
  });

  it("rejects malformed bases", () => {
    const cell = (values: Record<string, unknown>, count: unknown) => ({ values, count }) as unknown as UnitCell;
    const cases: PublicationRequest["base"][] = [
      { dimensions: { gender: [] }, cells: [] },
      { dimensions: { gender: ["F", "F"] }, cells: [] },
      { dimensions: { gender: ["F"] }, cells: [cell({ gender: "F" }, -1)] },
      { dimensions: { gender: ["F"] }, cells: [cell({ gender: "F" }, 1.5)] },
      { dimensions: { gender: ["F"] }, cells: [cell({ gender: "Z" }, 1)] },
      { dimensions: { gender: ["F"] }, cells: [cell({ gender: "F", extra: 1 }, 1)] },
      { dimensions: { gender: ["F"] }, cells: [cell({ gender: "F" }, 1), cell({ gender: "F" }, 2)] },
      { dimensions: { year: [2016] }, cells: [cell({ year: "2016" }, 1)] },
    ];
    for (const base of cases) {
      expect(error(() => protectPublication({ base, tables: [{ id: "t", measure: { kind: "count" } }] })).code).toBe("invalid-base");
    }
  });

  it("refuses a publication too large to certify instead of grinding through it", () => {
    const wide = Array.from({ length: 60 }, (_, k) => `v${k}`);
    const base: PublicationRequest["base"] = {
      dimensions: { a: wide, b: wide, c: wide, d: wide },
      cells: [{ values: { a: "v0", b: "v0", c: "v0", d: "v0" }, count: 10 }],
    };
    const table: TableSpec = { id: "huge", rows: ["a", "b"], columns: ["c", "d"], measure: { kind: "count" } };
    expect(error(() => protectPublication({ base, tables: [table] })).code).toBe("too-complex");
  });

  it("rejects malformed tables", () => {
    const tables: TableSpec[][] = [
      [],
      [{ id: "", measure: { kind: "count" } }],
      [byGender, byGender],
      [{ id: "t", rows: ["nope"], measure: { kind: "count" } }],
      [{ id: "t", rows: ["gender"], columns: ["gender"], measure: { kind: "count" } }],
      [{ id: "t", filter: { gender: "Z" }, measure: { kind: "count" } }],
      [{ id: "t", filter: { gender: [] }, measure: { kind: "count" } }],
      [{ id: "t", measure: { kind: "percentage", numerator: {} } }],
    ];
    for (const t of tables) expect(error(() => protectPublication({ ...ok, tables: t })).code).toBe("invalid-table");
  });
});

it("is usable for the dashboard's GLD % by gender with totals", () => {
  const cells: UnitCell[] = [
    { values: { gender: "F", gld: true }, count: 41 },
    { values: { gender: "F", gld: false }, count: 12 },
    { values: { gender: "M", gld: true }, count: 33 },
    { values: { gender: "M", gld: false }, count: 20 },
  ];
  const pub = protectPublication({
    threshold: 5,
    base: { dimensions: { gender: ["F", "M"], gld: [true, false] }, cells },
    tables: [{ id: "gld-by-gender", rows: ["gender"], measure: { kind: "percentage", numerator: { gld: true } }, totals: true }],
  });
  expect(pub.tables[0]!.cells.map((c) => [c.key.gender, c.value])).toEqual([
    ["F", { suppressed: false, value: 77.4 }],
    ["M", { suppressed: false, value: 62.3 }],
    [null, { suppressed: false, value: 69.8 }],
  ]);
});
