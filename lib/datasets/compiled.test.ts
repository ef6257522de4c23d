import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DATASET_IDS,
  INVALID,
  cellParser,
  columnSchema,
  compileDataset,
  explainCell,
  getDataset,
  rowSchema,
  schemaIssues,
  type DatasetId,
} from "@/lib/datasets";
import { edgeCell, rawRow, validCell } from "@/lib/datasets/testing/arbitraries";

const PERIOD = "2016-H1";
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

describe("compiled cell parsers agree with the zod column schemas", () => {
  for (const id of DATASET_IDS) {
    for (const column of getDataset(id).columns) {
      it(`${id}.${column.name} (${column.kind})`, () => {
        const fast = cellParser(column);
        const schema = columnSchema(column);
        fc.assert(
          fc.property(fc.oneof(validCell(column), edgeCell(column)), (cell) => {
            const expected = schema.safeParse(cell);
            const actual = fast(cell);
            if (expected.success) expect(actual).toEqual(expected.data);
            else expect(actual).toBe(INVALID);
          }),
          { numRuns: RUNS },
        );
      });
    }
  }
});

function agree(id: DatasetId, raw: Record<string, string>) {
  const compiled = compileDataset(id, { period: PERIOD });
  const cells = compiled.columns.map((c) => raw[c.name]!);
  const zod = rowSchema(id, { period: PERIOD }).safeParse(raw);
  const fast = compiled.validate(cells);
  expect(fast.ok).toBe(zod.success);
  if (zod.success && fast.ok) {
    expect(fast.row).toEqual(zod.data);
    return;
  }
  if (fast.ok || zod.success) return;
  const zodIssues = schemaIssues(zod.error);
  if (fast.invalidColumns.length > 0) {
    // zod stops at field errors; compare which cells failed and why.
    const fastIssues = fast.invalidColumns.map((i) => {
      const column = compiled.columns[i]!;
      return { column: column.name, rule: explainCell(column, cells[i]!).rule };
    });
    expect(fastIssues).toEqual(zodIssues);
  } else {
    expect(fast.crossField.map((f) => ({ column: f.column, rule: f.rule }))).toEqual(zodIssues);
  }
}

describe("compiled row validators agree with the zod row schemas (fuzzed)", () => {
  for (const id of DATASET_IDS) {
    it(id, () => {
      fc.assert(
        fc.property(rawRow(id, 40), (raw) => agree(id, raw)),
        { numRuns: RUNS },
      );
    });
  }

  it("school-readiness with mostly valid cells exercises the GLD rule", () => {
    fc.assert(
      fc.property(rawRow("school-readiness", 200), (raw) => agree("school-readiness", raw)),
      { numRuns: RUNS * 2 },
    );
  });
});

describe("compiled validator details", () => {
  it("reports cross-field rules even when an unrelated cell is invalid", () => {
    const compiled = compileDataset("social-care");
    const cells = ["a".repeat(64), "b".repeat(64), "not a month", "2016-05-01", "2016-01-01"];
    const result = compiled.validate(cells);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.invalidColumns).toEqual([2]);
    expect(result.crossField).toEqual([{ column: "end_date", rule: "end-before-start", expected: "a date on or after start_date (2016-05-01)" }]);
  });

  it("skips a cross-field rule whose inputs are invalid", () => {
    const compiled = compileDataset("social-care");
    const result = compiled.validate(["a".repeat(64), "b".repeat(64), "2011-01", "garbage", "2016-01-01"]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.crossField).toEqual([]);
  });

  it("explains failures with zod's rule and a readable expectation", () => {
    const key = getDataset("housing-benefits").columns[0]!;
    expect(explainCell(key, "")).toEqual({ rule: "required", expected: "a value: this column is required" });
    expect(explainCell(key, "abc")).toEqual({
      rule: "invalid-format",
      expected: "a pseudonym: 64 hexadecimal characters (0-9, a-f, any case)",
    });
    const gravity = getDataset("youth-offending").columns[3]!;
    expect(explainCell(gravity, "9")).toEqual({ rule: "out-of-range", expected: "a whole number from 1 to 8" });
  });

  it("requires a valid period for troubled-families", () => {
    expect(() => compileDataset("troubled-families")).toThrow(TypeError);
    expect(() => compileDataset("troubled-families", { period: "2016-H2" })).not.toThrow();
  });
});
