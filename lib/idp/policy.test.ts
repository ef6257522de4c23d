import { describe, expect, it } from "vitest";
import { lockDurationMs, isLocked, FIRST_LOCK_MS, MAX_LOCK_MS } from "./lockout";
import { checkPassword, DEFAULT_POLICY, passwordAge } from "./policy";

const who = { email: "jo.bloggs@essex.example", displayName: "Jo Bloggs" };
const codes = (pw: string) => checkPassword(DEFAULT_POLICY, pw, who).map((p) => p.code);

describe("password policy", () => {
  it("has the brief's defaults", () => {
    expect(DEFAULT_POLICY).toMatchObject({ minLength: 12, historyCount: 5, maxAgeDays: 180, warnDays: 14, lockoutThreshold: 5 });
  });

  it("needs at least 12 characters", () => {
    expect(codes("tangerine-7")).toContain("too_short");
    expect(codes("tangerine-7q-lorry")).toEqual([]);
  });

  it("refuses passwords from the shipped list, and the same words decorated with digits and symbols", () => {
    expect(codes("qwertyuiop123")).toContain("common");
    expect(codes("1qaz2wsx3edc")).toContain("common");
    expect(codes("Password123456!")).toContain("common");
    expect(codes("Sunshine2026!!")).toContain("common");
  });

  it("refuses a password containing the e-mail address, its local part or the name", () => {
    expect(codes("jo.bloggs@essex.example!")).toContain("contains_identity");
    expect(codes("my-jo.bloggs-password")).toContain("contains_identity");
    expect(codes("BloggsFamilyCar77")).toContain("contains_identity");
  });

  it("counts age and warns from 14 days before 180-day expiry", () => {
    const changed = new Date("2026-01-01T00:00:00Z");
    const day = 86_400_000;
    expect(passwordAge(DEFAULT_POLICY, changed, new Date(changed.getTime() + 100 * day))).toMatchObject({
      ageDays: 100,
      daysToExpiry: 80,
      expired: false,
      warn: false,
    });
    expect(passwordAge(DEFAULT_POLICY, changed, new Date(changed.getTime() + 166 * day))).toMatchObject({
      daysToExpiry: 14,
      warn: true,
      expired: false,
    });
    expect(passwordAge(DEFAULT_POLICY, changed, new Date(changed.getTime() + 180 * day))).toMatchObject({
      expired: true,
      warn: false,
      daysToExpiry: 0,
    });
  });
});

describe("lockout", () => {
  it("locks from the fifth consecutive failure, doubling the wait up to a day", () => {
    expect(lockDurationMs(4, 5)).toBe(0);
    expect(lockDurationMs(5, 5)).toBe(FIRST_LOCK_MS);
    expect(lockDurationMs(6, 5)).toBe(2 * FIRST_LOCK_MS);
    expect(lockDurationMs(7, 5)).toBe(4 * FIRST_LOCK_MS);
    expect(lockDurationMs(50, 5)).toBe(MAX_LOCK_MS);
  });

  it("is locked only until the stored time", () => {
    const now = new Date();
    expect(isLocked(new Date(now.getTime() + 1000), now)).toBe(true);
    expect(isLocked(new Date(now.getTime() - 1000), now)).toBe(false);
    expect(isLocked(null, now)).toBe(false);
  });
});

describe("password strength", () => {
  const analyst = {
    email: "sam.okafor@basildon.gov.example",
    displayName: "Sam Okafor",
    orgName: "Basildon Borough Council",
    otherNames: ["Essex Police", "University of Essex"],
  };
  const problemsOf = (pw: string, who: Parameters<typeof checkPassword>[2] = analyst) => checkPassword(DEFAULT_POLICY, pw, who);

  it.each([
    ["aaaaaaaaaaaa"],
    ["Basildon2024!"],
    ["Essex-Police-2024"],
    ["correcthorsebatterystaple"],
    ["correct horse battery staple"],
    ["Correct-Horse-Battery-Staple!"],
    ["Ä".repeat(12)],
    ["qwertyuiopasdfgh"],
    ["abcdefghijklmnop"],
    ["Chelmsford2023!"],
  ])("refuses %j, saying why and how to choose a better one", (pw) => {
    const problems = problemsOf(pw);
    expect(problems.length).toBeGreaterThan(0);
    // Every refusal that is not about length names the problem and gives the way out.
    const text = problems.map((p) => p.message).join(" ");
    expect(text).toMatch(/too easy to guess|too common|must not contain|at least 12/);
    if (problems.some((p) => p.code.startsWith("weak-"))) expect(text).toMatch(/Choose three or four random words/);
  });

  it("refuses a password built on another organisation's name, not only the user's own", () => {
    const researcher = {
      email: "ali.khan@essex.ac.example",
      displayName: "Ali Khan",
      orgName: "University of Essex",
      otherNames: ["Tendring District Council"],
    };
    expect(problemsOf("Tendring-District-1999", researcher).map((p) => p.code)).toContain("weak-identity");
  });

  it("says which weakness it found", () => {
    expect(problemsOf("aaaaaaaaaaaa").map((p) => p.code)).toEqual(["weak-repeat"]);
    expect(problemsOf("Essex-Police-2024").map((p) => p.code)).toEqual(["weak-identity"]);
  });

  it("accepts unrelated random words", () => {
    for (const pw of ["orbit-velvet-harbour-1987", "kestrel pewter walnut meadow", "tangerine-7q-lorry", "saffron-thistle-quartz-ab12"]) {
      expect(problemsOf(pw), pw).toEqual([]);
    }
  });
});
