import { describe, expect, it } from "vitest";
import { confirmParam, needsConfirmation } from "./admin-confirm";

const form = (v?: string) => ({ get: (n: string) => (n === "confirmed" ? (v ?? null) : null) });

describe("confirmation of destructive administration actions", () => {
  it("requires the confirmation step's field for disable, 2FA reset, forced password change and deactivation", () => {
    for (const a of ["disable", "reset-second-factor", "force-password-change", "deactivate"]) {
      expect(needsConfirmation(a, form())).toBe(true);
      expect(needsConfirmation(a, form("no"))).toBe(true);
      expect(needsConfirmation(a, undefined)).toBe(true);
      expect(needsConfirmation(a, form("yes"))).toBe(false);
    }
  });
  it("lets harmless actions through", () => {
    for (const a of ["enable", "unlock"]) expect(needsConfirmation(a, form())).toBe(false);
  });
  it("accepts only known steps from the address", () => {
    expect(confirmParam("disable")).toBe("disable");
    expect(confirmParam("enable")).toBeNull();
    expect(confirmParam(["disable"])).toBeNull();
  });
});
