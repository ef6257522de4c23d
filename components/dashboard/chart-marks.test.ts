import { describe, expect, it } from "vitest";
import { chartMarks, unofferedFilters, withheldCount } from "./chart-marks";

describe("chart marks", () => {
  it("marks a withheld single-series bar [c], from the table the chart draws", () => {
    const table = {
      header: ["Area", "Children", "Reaching it", "%"],
      rows: [
        ["Vange", "40", "20", "50.0"],
        ["Rest of the data", "[c]", "[c]", "[c]"],
      ],
      chart: { series: [{ key: "value", label: "%" }], data: [{ category: "Vange", value: 50 }, { category: "Rest of the data" }] },
    };
    expect(chartMarks(table as never)).toEqual({ "Rest of the data": { value: "[c]" } });
  });

  it("marks the right series of a two-way table", () => {
    const table = {
      header: ["Gender", "Free school meals", "No free school meals", "Total"],
      rows: [["Girls", "[c]", "60.0", "55.0"]],
      chart: {
        series: [
          { key: "true", label: "Free school meals" },
          { key: "false", label: "No free school meals" },
        ],
        data: [{ category: "Girls", false: 60 }],
      },
    };
    expect(chartMarks(table as never)).toEqual({ Girls: { true: "[c]" } });
  });

  it("counts withheld figures of a view", () => {
    expect(
      withheldCount([
        {
          rows: [
            ["a", "[c]", "3"],
            ["b", "[c]", "[c]"],
          ],
        },
        { rows: [["c", "1"]] },
      ]),
    ).toEqual({ withheld: 3, total: 5 });
  });
});

describe("filter values the page does not offer", () => {
  const options = { years: [2015, 2016], districts: ["BAS-VANGE"] };
  it("says so for a year that is not in the data, instead of silently showing everything", () => {
    const m = unofferedFilters({ year: "1999" }, { year: null, district: null }, options);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatch(/no figures for assessment year “1999”.*2015, 2016.*Showing all years/);
  });
  it("says so for a malformed year or an unknown district", () => {
    expect(unofferedFilters({ year: "abc", district: "NOWHERE" }, { year: null, district: null }, options)).toHaveLength(2);
  });
  it("is silent when the filters were used", () => {
    expect(unofferedFilters({ year: "2016", district: "BAS-VANGE" }, { year: 2016, district: "BAS-VANGE" }, options)).toEqual([]);
    expect(unofferedFilters({ year: "", district: "" }, { year: null, district: null }, options)).toEqual([]);
  });
});
