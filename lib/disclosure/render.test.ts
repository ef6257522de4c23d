import { describe, expect, it } from "vitest";
import { protectPublication } from "./protect";
import { chartSeries, formatValue, suppressionNote, tableNote, tableToCsv } from "./render";
import type { PublicationRequest } from "./types";

const request: PublicationRequest = {
  base: {
    dimensions: { ethnicity: ["White British", '=HYPERLINK("x")', "Mixed, other"], gld: [true, false] },
    cells: [
      { values: { ethnicity: "White British", gld: true }, count: 120 },
      { values: { ethnicity: "White British", gld: false }, count: 48 },
      { values: { ethnicity: '=HYPERLINK("x")', gld: true }, count: 3 },
      { values: { ethnicity: '=HYPERLINK("x")', gld: false }, count: 9 },
      { values: { ethnicity: "Mixed, other", gld: true }, count: 14 },
      { values: { ethnicity: "Mixed, other", gld: false }, count: 11 },
    ],
  },
  tables: [
    { id: "gld-by-ethnicity", rows: ["ethnicity"], measure: { kind: "percentage", numerator: { gld: true } }, totals: true },
    { id: "children-by-ethnicity", rows: ["ethnicity"], measure: { kind: "count" } },
  ],
};

describe("formatValue", () => {
  it("uses the ONS symbols and one decimal place for percentages", () => {
    expect(formatValue({ suppressed: true, reason: "secondary" }, "count")).toBe("[c]");
    expect(formatValue({ suppressed: false, value: null }, "percentage")).toBe("[z]");
    expect(formatValue({ suppressed: false, value: 30 }, "percentage")).toBe("30.0");
    expect(formatValue({ suppressed: false, value: 71.4 }, "percentage")).toBe("71.4");
    expect(formatValue({ suppressed: false, value: 1234 }, "count")).toBe("1234");
  });
});

describe("notes", () => {
  it("words the footnote from the threshold and the unit counted", () => {
    expect(suppressionNote(5, "children")).toBe("Values based on 5 or fewer children are not shown ([c]).");
    expect(suppressionNote(10, "households", true)).toBe(
      "Values based on 10 or fewer households are not shown ([c]). Some other values are also not shown so that those cannot be worked out from totals.",
    );
  });

  it("gives no note for a table without suppression", () => {
    const pub = protectPublication({ ...request, tables: [{ id: "all", measure: { kind: "count" } }] });
    expect(tableNote(pub.tables[0]!, "children")).toBeNull();
  });
});

describe("tableToCsv", () => {
  it("writes [c] for suppressed values, Total for margins and neutralises formula-like labels", () => {
    const pub = protectPublication(request);
    const csv = tableToCsv(pub.tables[0]!);
    expect(csv.split("\r\n")).toEqual([
      "ethnicity,numerator,denominator,percentage",
      "White British,120,168,71.4",
      `"'=HYPERLINK(""x"")",[c],12,[c]`,
      `"Mixed, other",[c],25,[c]`,
      "Total,137,205,66.8",
      "",
    ]);
  });

  it("writes one count column for count tables", () => {
    const pub = protectPublication(request);
    const lines = tableToCsv(pub.tables[1]!, { bom: true }).split("\r\n");
    expect(lines[0]).toBe("\uFEFFethnicity,count");
    expect(lines).toContain("White British,168");
  });
});

describe("chartSeries", () => {
  it("drops suppressed points instead of drawing them as zero, and explains the gap", () => {
    const pub = protectPublication(request);
    const series = chartSeries(pub.tables[0]!, { unit: "children" });
    expect(series.points).toEqual([{ key: { ethnicity: "White British" }, total: false, value: 71.4 }]);
    expect(series.omitted).toBe(2);
    expect(series.note).toMatch(/^Values based on 5 or fewer children are not shown \(\[c\]\)\./);
  });

  it("has no note when every point is shown", () => {
    const pub = protectPublication({ ...request, tables: [{ id: "by-gld", rows: ["gld"], measure: { kind: "count" }, totals: true }] });
    const series = chartSeries(pub.tables[0]!, { includeTotals: true });
    expect(series.points.map((p) => p.value)).toEqual([137, 68, 205]);
    expect(series.note).toBeNull();
  });
});
