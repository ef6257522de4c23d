import { describe, expect, it } from "vitest";
import { errFields } from "./log";

describe("errFields", () => {
  it("keeps a database error's type, code and frames but not its message, which can quote a value", () => {
    const e = Object.assign(new Error('duplicate key value violates unique constraint "u" Key (email)=(jane.doe@example.org) already exists.'), {
      code: "23505",
    });
    const fields = JSON.stringify(errFields(e));
    expect(fields).toContain("23505");
    expect(fields).not.toContain("jane.doe@example.org");
  });

  it("keeps the message of the portal's own errors, and says what a thrown non-error was", () => {
    expect(errFields(new TypeError("not a uuid")).err).toMatchObject({ type: "TypeError", message: "not a uuid" });
    expect(errFields("boom").err).toEqual({ type: "string" });
  });
});
