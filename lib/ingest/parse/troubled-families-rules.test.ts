import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fileSchema, getDataset, schemaIssues, type RawRow } from "@/lib/datasets";
import { fakeDigest, headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import { validateCsv, type ValidationReport } from "@/lib/ingest/parse";

/*
 * The troubled-families rules across rows (one person once, one family in one group) and the new
 * row rules (attachment date range, at least two criteria), in the streaming validator, checked
 * against the whole-file schema as the reference.
 */

const PERIOD = "2016-H1";
const def = getDataset("troubled-families");
const names = def.columns.map((c) => c.name);

type Cells = Record<string, string>;

function row(i: number, changes: Cells = {}): Cells {
  const cells = sampleRowCells("troubled-families", i, { period: PERIOD });
  const out: Cells = Object.fromEntries(names.map((n, k) => [n, cells[k]!]));
  return { ...out, ...changes };
}

function csv(rows: readonly Cells[]): string {
  return [headerLine("troubled-families"), ...rows.map((r) => names.map((n) => r[n]).join(","))].join("\n") + "\n";
}

async function validate(rows: readonly Cells[]): Promise<ValidationReport> {
  async function* input() {
    yield Buffer.from(csv(rows), "utf8");
  }
  return validateCsv(input(), { datasetId: "troubled-families", period: PERIOD });
}

const FAMILY = fakeDigest(900, 7);
const PERSON = fakeDigest(901, 8);

describe("troubled-families validation across rows", () => {
  it("accepts valid sample rows", async () => {
    const report = await validate([row(0), row(1), row(2), row(3)]);
    expect(report.errors).toEqual([]);
    expect(report.status).toBe("valid");
  });

  it("refuses a person_key seen twice in the batch, naming the first line, without echoing the key", async () => {
    const report = await validate([row(0, { person_key: PERSON }), row(1), row(2, { person_key: PERSON.toUpperCase() })]);
    expect(report.status).toBe("invalid");
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ line: 4, column: "person_key", rule: "duplicate" });
    expect(report.errors[0]!.expected).toMatch(/first seen on line 2/);
    expect(report.errors[0]!.value).toBeUndefined();
  });

  it("refuses a family in both groups, naming the line the family first appears on", async () => {
    const report = await validate([
      row(0, { family_key: FAMILY, group: "treatment" }),
      row(1, { family_key: FAMILY, group: "treatment" }),
      row(2, { family_key: FAMILY, group: "comparison" }),
    ]);
    expect(report.status).toBe("invalid");
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatchObject({ line: 4, column: "group", rule: "inconsistent", value: "comparison" });
    expect(report.errors[0]!.expected).toBe("the same group as line 2, where this family_key first appears (a family is in one group per batch)");
  });

  it("accepts a family with several members in one group, whatever the key's case", async () => {
    const report = await validate([
      row(0, { family_key: FAMILY, group: "comparison" }),
      row(1, { family_key: FAMILY.toUpperCase(), group: "comparison" }),
    ]);
    expect(report.status).toBe("valid");
  });

  it("refuses attachment before 1 September 2014 and after the batch period's last day", async () => {
    const report = await validate([
      row(0, { attached_date: "2014-08-31" }),
      row(1, { attached_date: "2014-09-01" }),
      row(2, { attached_date: "2016-06-30" }),
      row(3, { attached_date: "2016-07-01" }),
    ]);
    expect(report.errors.map((e) => [e.line, e.column, e.rule])).toEqual([
      [2, "attached_date", "attached-before-agreement"],
      [5, "attached_date", "attached-after-period"],
    ]);
    expect(report.errors[0]!.expected).toMatch(/on or after 2014-09-01/);
    expect(report.errors[1]!.expected).toBe("a date on or before 2016-06-30, the last day of batch 2016-H1");
  });

  it("refuses a row meeting fewer than two criteria, in either group", async () => {
    const none = Object.fromEntries(names.filter((n) => n.startsWith("crit_")).map((n) => [n, "N"]));
    const report = await validate([
      row(0, { ...none, group: "comparison" }),
      row(1, { ...none, crit_health: "Y", group: "treatment" }),
      row(2, { ...none, crit_health: "Y", crit_worklessness: "Y", group: "comparison" }),
    ]);
    expect(report.errors.map((e) => [e.line, e.rule])).toEqual([
      [2, "too-few-criteria"],
      [3, "too-few-criteria"],
    ]);
    expect(report.errors[0]!.expected).toMatch(/at least two of the six criteria.*has none/);
    expect(report.errors[1]!.expected).toMatch(/only one/);
  });

  it("agrees with the whole-file schema on random families, groups and people (property)", async () => {
    const families = [fakeDigest(1, 1), fakeDigest(2, 1), fakeDigest(3, 1)];
    const people = [fakeDigest(11, 2), fakeDigest(12, 2), fakeDigest(13, 2), fakeDigest(14, 2), fakeDigest(15, 2)];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            f: fc.integer({ min: 0, max: 2 }),
            p: fc.integer({ min: 0, max: 4 }),
            g: fc.constantFrom("treatment", "comparison"),
            upper: fc.boolean(),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        async (spec) => {
          const rows = spec.map((s, i) =>
            row(i, {
              family_key: s.upper ? families[s.f]!.toUpperCase() : families[s.f]!,
              person_key: people[s.p]!,
              group: s.g,
            }),
          );
          const report = await validate(rows);
          const parsed = fileSchema("troubled-families", { period: PERIOD }).safeParse(rows as RawRow[]);
          const expected = parsed.success
            ? []
            : schemaIssues(parsed.error).map((issue, k) => [Number(parsed.error.issues[k]!.path[0]) + 2, issue.column, issue.rule]);
          const actual = report.errors.map((e) => [e.line, e.column, e.rule]);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
