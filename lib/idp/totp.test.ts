import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, newTotpSecret, otpauthUri, timeStep, totpAt, verifyTotp } from "./totp";

// RFC 6238 appendix B, SHA-1 rows: the ASCII secret "12345678901234567890" and 8-digit values.
const RFC_SECRET = Buffer.from("12345678901234567890", "ascii");
const RFC_VECTORS: [number, string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(RFC_VECTORS)("matches the RFC's SHA-1 test vector at T=%i", (seconds, expected) => {
    const step = timeStep(new Date(seconds * 1000));
    expect(hotp(RFC_SECRET, step, 8)).toBe(expected);
    // Six digits are the last six of the same truncation.
    expect(hotp(RFC_SECRET, step)).toBe(expected.slice(2));
  });

  it("round-trips base32 as authenticator apps expect", () => {
    expect(base32Encode(Buffer.from("12345678901234567890"))).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Encode(base32Decode(s))).toBe(s);
    expect(base32Decode("gezd gnbv-gy3t")).toEqual(base32Decode("GEZDGNBVGY3T"));
  });

  it("accepts one step of drift either way and no more", () => {
    const now = new Date(1_700_000_000_000);
    const at = (offsetSeconds: number) => totpAt(RFC_SECRET, new Date(now.getTime() + offsetSeconds * 1000));
    expect(verifyTotp(RFC_SECRET, at(0), now, null).ok).toBe(true);
    expect(verifyTotp(RFC_SECRET, at(-30), now, null).ok).toBe(true);
    expect(verifyTotp(RFC_SECRET, at(30), now, null).ok).toBe(true);
    expect(verifyTotp(RFC_SECRET, at(-90), now, null)).toEqual({ ok: false, reason: "invalid" });
    expect(verifyTotp(RFC_SECRET, at(90), now, null)).toEqual({ ok: false, reason: "invalid" });
  });

  it("accepts a code once: the same step, or an earlier one, is a replay", () => {
    const now = new Date(1_700_000_000_000);
    const code = totpAt(RFC_SECRET, now);
    const first = verifyTotp(RFC_SECRET, code, now, null);
    expect(first.ok).toBe(true);
    const step = (first as { step: bigint }).step;
    expect(verifyTotp(RFC_SECRET, code, now, step)).toEqual({ ok: false, reason: "replayed" });
    const previous = totpAt(RFC_SECRET, new Date(now.getTime() - 30_000));
    expect(verifyTotp(RFC_SECRET, previous, now, step)).toEqual({ ok: false, reason: "replayed" });
    const next = totpAt(RFC_SECRET, new Date(now.getTime() + 30_000));
    expect(verifyTotp(RFC_SECRET, next, new Date(now.getTime() + 30_000), step).ok).toBe(true);
  });

  it("refuses malformed input without throwing", () => {
    const now = new Date();
    for (const bad of ["", "12345", "1234567", "abcdef", "12 34 5a"]) {
      expect(verifyTotp(RFC_SECRET, bad, now, null).ok).toBe(false);
    }
    expect(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, now).replace(/(\d{3})/, "$1 "), now, null).ok).toBe(true);
  });

  it("builds an otpauth URI with the RFC parameters", () => {
    const uri = new URL(otpauthUri({ secret: "GEZDGNBV", account: "a@b.example", issuer: "Essex Data Platform" }));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
    expect(uri.searchParams.get("secret")).toBe("GEZDGNBV");
  });
});
