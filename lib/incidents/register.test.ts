import { describe, expect, it } from "vitest";
import { incidentClock, nextStatuses, parseUkDateTime } from "./register";

describe("the breach register's rules", () => {
  it("reads the form's UK local time in winter and in summer", () => {
    expect(parseUkDateTime("2026-01-15T09:30")?.toISOString()).toBe("2026-01-15T09:30:00.000Z");
    expect(parseUkDateTime("2026-07-15T09:30")?.toISOString()).toBe("2026-07-15T08:30:00.000Z");
    expect(parseUkDateTime("2026-02-30T09:30")).toBeNull();
    expect(parseUkDateTime("yesterday")).toBeNull();
  });

  it("allows a report decision before closing, and nothing after", () => {
    expect(nextStatuses("open")).toEqual(["investigating", "reported", "not_reportable"]);
    expect(nextStatuses("investigating")).toEqual(["reported", "not_reportable"]);
    expect(nextStatuses("reported")).toEqual(["closed"]);
    expect(nextStatuses("closed")).toEqual([]);
  });

  it("runs the 24-hour clock from discovery until a decision", () => {
    const discoveredAt = new Date("2026-11-30T08:00:00Z");
    expect(incidentClock({ discoveredAt, status: "open" }, new Date("2026-11-30T09:15:00Z"))).toEqual({
      hours: 1,
      minutes: 15,
      overdue: false,
      warn: false,
      settled: false,
    });
    expect(incidentClock({ discoveredAt, status: "investigating" }, new Date("2026-12-01T04:00:00Z"))).toMatchObject({
      hours: 20,
      warn: true,
      overdue: false,
    });
    expect(incidentClock({ discoveredAt, status: "open" }, new Date("2026-12-01T08:00:00Z"))).toMatchObject({ overdue: true });
    expect(incidentClock({ discoveredAt, status: "reported" }, new Date("2026-12-03T08:00:00Z"))).toMatchObject({
      overdue: false,
      warn: false,
      settled: true,
    });
  });
});
