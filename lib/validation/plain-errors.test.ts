import { describe, expect, it } from "vitest";
import { z } from "zod";
import { columnSchema } from "@/lib/datasets/schema";
import { explainCell } from "@/lib/datasets/compiled";
import { passwordPolicySchema } from "@/lib/idp/policy";
import { accountInputSchema } from "@/lib/idp/admin";
import { inboxFormSchema } from "@/lib/sftp/inbox";
import "./plain-errors";

// Library wording a person must never read.
const RAW = /Invalid input|expected [a-z]+, received|received NaN|Too (big|small)|Invalid (string|option|element|UUID|email)|must match pattern/i;

function messages(r: { success: boolean; error?: z.ZodError }): string[] {
  return r.success ? [] : r.error!.issues.map((i) => i.message);
}

describe("form messages are plain words", () => {
  it("the password policy form: letters, decimals and empties", () => {
    for (const bad of ["abc", "1.5", "", "NaN", "1e999", "-3"]) {
      const m = messages(
        passwordPolicySchema.safeParse({ minLength: bad, historyCount: bad, maxAgeDays: bad, warnDays: bad, lockoutThreshold: bad }),
      );
      expect(m.length).toBeGreaterThan(0);
      for (const x of m) expect(x).not.toMatch(RAW);
    }
    expect(
      messages(passwordPolicySchema.safeParse({ minLength: "abc", historyCount: 5, maxAgeDays: 180, warnDays: 14, lockoutThreshold: 5 })),
    ).toEqual(["must be a whole number, in digits"]);
  });

  it("the SFTP inbox form, including fields missing from the post", () => {
    const m = messages(inboxFormSchema.safeParse({ port: "twenty-two", pollIntervalMinutes: "1.5", username: "x".repeat(101) }));
    expect(m.length).toBeGreaterThan(3);
    for (const x of m) expect(x).not.toMatch(RAW);
  });

  it("the account form with nothing in it", () => {
    for (const x of messages(accountInputSchema.safeParse({}))) expect(x).not.toMatch(RAW);
  });

  it("any schema that forgot its own message still speaks plainly", () => {
    const s = z.object({ n: z.coerce.number().int(), s: z.string().max(3), e: z.enum(["a", "b"]) });
    const m = messages(s.safeParse({ n: "x", s: "toolong", e: "c" }));
    expect(m).toEqual(["Enter a number, using digits only", "Enter 3 characters or fewer", "Choose one of the options offered"]);
  });
});

describe("an impossible date in a file", () => {
  const date = { kind: "date", name: "start_date", optional: false, description: "" } as const;
  it("is 'not a real date', not 'wrong format'", () => {
    const r = columnSchema(date as never).safeParse("2016-02-30");
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe("not-a-real-date");
    expect(explainCell(date as never, "2016-02-30")).toEqual({ rule: "not-a-real-date", expected: expect.stringMatching(/exists in the calendar/) });
    expect(explainCell(date as never, "30/02/2016").rule).toBe("invalid-format");
    expect(columnSchema(date as never).safeParse("2016-02-29").success).toBe(true);
  });
});
