import { describe, expect, it } from "vitest";
import { commonSecurityHeaders, contentSecurityPolicy, HSTS, newNonce } from "./security-headers";

describe("security headers", () => {
  it("send HSTS only when the portal is served over https", () => {
    expect(new Map(commonSecurityHeaders("https://portal.example.org")).get("Strict-Transport-Security")).toBe(HSTS);
    expect(new Map(commonSecurityHeaders("http://localhost:3000")).has("Strict-Transport-Security")).toBe(false);
  });

  it("allow scripts only with the nonce, forbid framing, plugins and base changes", () => {
    const csp = contentSecurityPolicy({ publicUrl: "https://portal.example.org", nonce: "abc123" });
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("upgrade-insecure-requests");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it("let forms go to an external identity provider when one is configured", () => {
    expect(contentSecurityPolicy({ publicUrl: "http://localhost:3000", nonce: "n" })).toContain("form-action 'self';");
    expect(contentSecurityPolicy({ publicUrl: "http://localhost:3000", nonce: "n", issuer: "https://sso.essex.example/realms/x" })).toContain(
      "form-action 'self' https://sso.essex.example;",
    );
  });

  it("use hashes, not a nonce, for the identity provider's fixed pages", () => {
    const csp = contentSecurityPolicy({ publicUrl: "http://localhost:3000", scriptHashes: ["sha256-AAA"], styleHashes: ["sha256-BBB"] });
    expect(csp).toContain("script-src 'self' 'sha256-AAA'");
    expect(csp).toContain("style-src 'self' 'sha256-BBB'");
  });

  it("make a fresh 128-bit nonce each time", () => {
    const a = newNonce();
    expect(Buffer.from(a, "base64")).toHaveLength(16);
    expect(newNonce()).not.toBe(a);
  });
});
