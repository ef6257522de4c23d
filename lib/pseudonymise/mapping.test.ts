import { describe, expect, it } from "vitest";
import { ageBand, ageOn, isoDate, parseDate } from "./mapping";

describe("parseDate", () => {
  it("reads each declared format, with Excel's midnight and surrounding blanks", () => {
    expect(isoDate(parseDate("29/11/1973", "DD/MM/YYYY")!)).toBe("1973-11-29");
    expect(isoDate(parseDate(" 1/9/2010 00:00 ", "DD/MM/YYYY")!)).toBe("2010-09-01");
    expect(isoDate(parseDate("29.02.2012", "DD.MM.YYYY")!)).toBe("2012-02-29");
    expect(isoDate(parseDate("11/29/1973", "MM/DD/YYYY")!)).toBe("1973-11-29");
    expect(isoDate(parseDate("2010-9-1", "YYYY-MM-DD")!)).toBe("2010-09-01");
    expect(isoDate(parseDate("20100901", "YYYYMMDD")!)).toBe("2010-09-01");
  });

  it("refuses what is not a real date in that format", () => {
    for (const [raw, format] of [
      ["29/02/2011", "DD/MM/YYYY"],
      ["2010-09-01", "DD/MM/YYYY"],
      ["01/09/10", "DD/MM/YYYY"],
      ["01-09/2010", "DD-MM-YYYY"],
      ["001/09/2010", "DD/MM/YYYY"],
      ["01/13/2010", "DD/MM/YYYY"],
      ["2010-09-01 12:30", "YYYY-MM-DD"],
      ["2010-09-01-02", "YYYY-MM-DD"],
      ["", "YYYY-MM-DD"],
      ["2010090", "YYYYMMDD"],
      ["１/09/2010", "DD/MM/YYYY"],
    ] as const) {
      expect(parseDate(raw, format), `${raw} as ${format}`).toBeNull();
    }
  });
});

describe("age bands", () => {
  it("counts completed years on the reference date and bands them as the specification does", () => {
    expect(ageOn({ y: 2010, m: 9, d: 1 }, { y: 2015, m: 8, d: 31 })).toBe(4);
    expect(ageBand(ageOn({ y: 2010, m: 9, d: 1 }, { y: 2015, m: 9, d: 1 }))).toBe("5-10");
    expect([0, 4, 5, 10, 11, 15, 16, 17, 18, 24, 25, 49, 50, 99].map(ageBand)).toEqual([
      "0-4",
      "0-4",
      "5-10",
      "5-10",
      "11-15",
      "11-15",
      "16-17",
      "16-17",
      "18-24",
      "18-24",
      "25-49",
      "25-49",
      "50+",
      "50+",
    ]);
    expect(ageBand(-1)).toBeNull();
  });
});
