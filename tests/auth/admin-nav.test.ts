import { describe, expect, it } from "vitest";
import { listAppRoutes } from "@/lib/http/app-routes";
import { rolesAllowed, routeForPath } from "@/lib/http/routes";
import { ROLE_NAV, ROLES, type Role } from "@/lib/auth/roles";

// Every page a role may open without an id in its address is one click away in that role's
// header navigation: an administrator once had no way to reach Incidents or SFTP inboxes.
describe("header navigation", () => {
  const pages = listAppRoutes().filter((r) => r.kind === "page" && !r.pattern.includes("["));

  it("links every administration page for administrators", () => {
    const linked = new Set(ROLE_NAV.administrator.map((n) => n.href));
    const adminPages = [...new Set(pages.map((p) => p.pattern))].filter((p) => p.startsWith("/admin") && !p.endsWith("/new"));
    expect(adminPages.length).toBeGreaterThan(5);
    expect(adminPages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it("links only pages the role may open", () => {
    for (const role of ROLES as Role[]) {
      for (const n of ROLE_NAV[role]) {
        const access = routeForPath(n.href)?.spec.access;
        expect(access, `${n.href} is not a route`).toBeDefined();
        expect(rolesAllowed(access!, ROLES), `${role} is offered ${n.href}`).toContain(role);
      }
    }
  });
});
