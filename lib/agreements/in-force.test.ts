import { describe, expect, it } from "vitest";
import { agreementPhase, formatDay, londonDate } from "./in-force";

describe("an agreement's phase", () => {
  const a = { startDate: "2026-04-01", endDate: "2027-03-31" };

  it("counts both the first and the last day in England's calendar", () => {
    expect(agreementPhase(a, new Date("2026-03-31T22:59:59Z"))).toBe("not-started");
    // 00:00 on 1 April in London is 23:00 UTC the day before (British Summer Time).
    expect(agreementPhase(a, new Date("2026-03-31T23:00:00Z"))).toBe("in-force");
    expect(agreementPhase(a, new Date("2027-03-31T22:59:59Z"))).toBe("in-force");
    expect(agreementPhase(a, new Date("2027-03-31T23:00:00Z"))).toBe("ended");
  });

  it("reads dates as stored (midnight UTC) the same as their text", () => {
    expect(
      agreementPhase({ startDate: new Date("2026-04-01T00:00:00Z"), endDate: new Date("2027-03-31T00:00:00Z") }, new Date("2026-06-01T12:00:00Z")),
    ).toBe("in-force");
  });

  it("formats days and London dates plainly", () => {
    expect(londonDate(new Date("2026-12-31T23:30:00Z"))).toBe("2026-12-31");
    expect(londonDate(new Date("2026-07-31T23:30:00Z"))).toBe("2026-08-01");
    expect(formatDay("2027-03-31")).toBe("31 March 2027");
  });
});
