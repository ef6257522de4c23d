import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crossSiteVerdict } from "./cross-site";

const PORTAL = "http://localhost:3000";
const verdict = (method: string, origin?: string, secFetchSite?: string) => crossSiteVerdict({ method, origin, secFetchSite }, PORTAL);

describe("crossSiteVerdict", () => {
  it("lets reads through whatever their origin", () => {
    for (const m of ["GET", "HEAD", "OPTIONS", "get"]) expect(verdict(m, "http://evil.example", "cross-site")).toEqual({ ok: true });
  });

  it("refuses a write from another port of the same host, another host or scheme, or an opaque origin", () => {
    for (const origin of [
      "http://localhost:3001",
      "http://127.0.0.1:3000",
      "https://localhost:3000",
      "http://evil.example",
      "http://localhost:3000.evil.example",
    ]) {
      expect(verdict("POST", origin)).toMatchObject({ ok: false, reason: "foreign_origin" });
    }
    expect(verdict("POST", "null")).toMatchObject({ ok: false, reason: "opaque_origin" });
    expect(verdict("DELETE", "http://localhost:3001")).toMatchObject({ ok: false });
    expect(verdict("PUT", "not a url")).toMatchObject({ ok: false, reason: "foreign_origin" });
  });

  it("without Origin, refuses anything Sec-Fetch-Site does not call same-origin", () => {
    for (const site of ["same-site", "cross-site", "SAME-SITE"])
      expect(verdict("POST", undefined, site)).toMatchObject({ ok: false, reason: "cross_site_fetch" });
    expect(verdict("POST", undefined, "same-origin")).toEqual({ ok: true });
    expect(verdict("POST", undefined, "none")).toEqual({ ok: true });
  });

  it("refuses a matching Origin that Sec-Fetch-Site contradicts", () => {
    expect(verdict("POST", PORTAL, "same-site")).toMatchObject({ ok: false });
  });

  it("lets the portal's own writes and non-browser clients (neither header) through", () => {
    expect(verdict("POST", PORTAL, "same-origin")).toEqual({ ok: true });
    expect(verdict("POST", `${PORTAL}/`, undefined)).toEqual({ ok: true });
    expect(verdict("POST")).toEqual({ ok: true });
  });

  it("never lets a write through with any origin but the portal's", () => {
    fc.assert(
      fc.property(fc.webUrl(), fc.constantFrom("POST", "PUT", "PATCH", "DELETE"), (url, method) => {
        const origin = new URL(url).origin;
        fc.pre(origin !== PORTAL);
        expect(verdict(method, origin).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
