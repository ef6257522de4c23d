import { describe, expect, it } from "vitest";
import { accountFilter, accountState, matchesFilter } from "./account-status";

const base = { active: true, orgActive: true, locked: false, activated: true };

describe("account states in the administration list", () => {
  it("shows a locked account as Locked, and the filter finds it", () => {
    const locked = { ...base, locked: true };
    expect(accountState(locked).text).toBe("Locked");
    expect(matchesFilter(locked, "locked")).toBe(true);
    expect(matchesFilter(base, "locked")).toBe(false);
    expect(matchesFilter({ ...locked, active: false }, "locked")).toBe(true);
  });
  it("names the other states and filters by them", () => {
    expect(accountState({ ...base, active: false }).text).toBe("Disabled");
    expect(accountState({ ...base, activated: false }).text).toBe("Invited");
    expect(matchesFilter({ ...base, activated: false }, "invited")).toBe(true);
    expect(matchesFilter(base, "active")).toBe(true);
    expect(matchesFilter(base, "all")).toBe(true);
  });
  it("reads the filter from the address, refusing unknown values", () => {
    expect(accountFilter(undefined)).toBe("all");
    expect(accountFilter("locked")).toBe("locked");
    expect(accountFilter("toString")).toBeNull();
    expect(accountFilter("bogus")).toBeNull();
  });
});
