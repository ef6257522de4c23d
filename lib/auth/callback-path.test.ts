import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-path";

const ORIGIN = "https://portal.example";

// What a browser does with `Location: <value>` on a page of the portal.
function browserTarget(location: string): URL {
  return new URL(location, `${ORIGIN}/signin`);
}

// Pieces attackers combine: separators, controls, encodings, schemes, hosts.
const pieces = fc.constantFrom(
  "/",
  "//",
  "\\",
  "/\\",
  "\\/",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u0001",
  "\u001f",
  "\u007f",
  " ",
  "\u00a0",
  "%2F",
  "%2f",
  "%5C",
  "%5c",
  "%09",
  "%0A",
  "%0D",
  "%00",
  "%252F",
  "%E3%80%82",
  ".",
  "..",
  "./",
  "../",
  "/./",
  "/../",
  "@",
  ":",
  "?",
  "#",
  "&",
  "=",
  "evil.example",
  "evil.example:443",
  "user:pass@",
  "localhost",
  "127.0.0.1",
  "[::1]",
  "http:",
  "https:",
  "javascript:",
  "data:",
  "vbscript:",
  "HTTP://",
  "jAvAsCrIpT:",
  "file:",
  "uploads",
  "dashboards",
  "signin",
  "api",
  "auth",
  "\u3002",
  "\uff0f",
  "\u2215",
  "é",
  "\ud83d\ude00",
);
const hostile = fc.array(pieces, { minLength: 1, maxLength: 12 }).map((a) => a.join(""));
const withDecoding = hostile.chain((s) =>
  fc.constantFrom(
    s,
    `/${s}`,
    (() => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    })(),
  ),
);

describe("safeCallbackPath", () => {
  it("always answers a path the browser resolves to the portal's own origin", () => {
    fc.assert(
      fc.property(fc.oneof(withDecoding, fc.string(), fc.string({ unit: "binary" })), (input) => {
        const out = safeCallbackPath(input);
        expect(out.startsWith("/")).toBe(true);
        expect(out.startsWith("//")).toBe(false);
        expect(out).not.toMatch(/[\\\u0000-\u0020\u007f-\uffff]/);
        expect(browserTarget(out).origin).toBe(ORIGIN);
        // Stable: what it returns is accepted unchanged.
        expect(safeCallbackPath(out)).toBe(out);
      }),
      { numRuns: 5_000 },
    );
  });

  it("refuses the reported bypasses and other ways off the site", () => {
    for (const bad of [
      "/\t/evil.example",
      "/\t\\evil.example",
      "/\n/evil.example",
      "/\r\n/evil.example",
      " //evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "//evil.example",
      "/.//evil.example",
      "/./\t/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
    ]) {
      const out = safeCallbackPath(bad);
      expect(browserTarget(out).origin, JSON.stringify(bad)).toBe(ORIGIN);
      expect(out, JSON.stringify(bad)).toBe("/");
    }
  });

  it("keeps ordinary paths and queries, normalised", () => {
    expect(safeCallbackPath("/uploads")).toBe("/uploads");
    expect(safeCallbackPath("/dashboards/vange?year=2024&district=E07000066")).toBe("/dashboards/vange?year=2024&district=E07000066");
    expect(safeCallbackPath("/%2F/evil.example")).toBe("/%2F/evil.example");
    expect(safeCallbackPath("/uploads/../admin")).toBe("/admin");
    expect(safeCallbackPath("/\n")).toBe("/");
    expect(safeCallbackPath("/a b")).toBe("/a%20b");
    // Any control character: never a callback.
    expect(safeCallbackPath("/\u0000/evil.example")).toBe("/");
    expect(safeCallbackPath("/uploads\u007f")).toBe("/");
  });

  it("never returns to the sign-in pages themselves", () => {
    expect(safeCallbackPath("/signin")).toBe("/");
    expect(safeCallbackPath("/signin?callbackUrl=/x")).toBe("/");
    expect(safeCallbackPath("/api/auth/signin")).toBe("/");
    expect(safeCallbackPath("/signing-keys")).toBe("/signing-keys");
  });
});
