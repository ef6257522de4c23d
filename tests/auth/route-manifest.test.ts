import { describe, expect, it } from "vitest";
import { listAppRoutes } from "@/lib/auth/app-routes";
import { ROUTE_ACCESS } from "@/lib/auth/route-access";
import { ROLES } from "@/lib/auth/roles";

const HOW =
  "Every route under app/ must be listed in lib/auth/route-access.ts with the roles allowed (or \"public\"), " +
  "and must call requireUser()/requireApiUser() from lib/auth/access.ts with those same roles.";

describe("route access manifest", () => {
  const routes = listAppRoutes();

  it("lists every page and route handler under app/", () => {
    const missing = [...new Set(routes.map((r) => r.pattern))].filter((p) => !(p in ROUTE_ACCESS));
    expect(missing, `${HOW}\nAdd to ROUTE_ACCESS in lib/auth/route-access.ts:\n${missing.map((m) => `  "${m}": [...roles] or "public",`).join("\n")}`).toEqual([]);
  });

  it("lists nothing that app/ does not serve", () => {
    const served = new Set(routes.map((r) => r.pattern));
    const stale = Object.keys(ROUTE_ACCESS).filter((p) => !served.has(p));
    expect(stale, `lib/auth/route-access.ts lists routes with no page.tsx/route.ts under app/; remove them:\n${stale.join("\n")}`).toEqual([]);
  });

  it("names only real roles", () => {
    for (const [pattern, access] of Object.entries(ROUTE_ACCESS)) {
      if (access === "public" || access === "authenticated") continue;
      expect(access.length, `${pattern} allows no role at all`).toBeGreaterThan(0);
      for (const r of access) expect(ROLES, `${pattern}: unknown role ${r}`).toContain(r);
    }
  });

  it("finds the methods each route handler exports", () => {
    for (const r of routes.filter((x) => x.kind === "route")) {
      expect(r.methods.length, `${r.file} exports no HTTP method handler`).toBeGreaterThan(0);
    }
  });

  it("protects every non-public route with the one access helper", async () => {
    const fs = await import("node:fs");
    const unguarded = routes
      .filter((r) => ROUTE_ACCESS[r.pattern] !== "public")
      .filter((r) => !/\brequire(Api)?User\s*\(/.test(fs.readFileSync(r.file, "utf8")))
      .map((r) => r.file);
    expect(unguarded, `${HOW}\nThese files do not call it:\n${unguarded.join("\n")}`).toEqual([]);
  });
});
