// Walks every route of the app (pages and route handlers, found on disk) as each role and as an
// anonymous visitor, against the running portal, with the roles of the one route table
// (lib/http/routes.ts) that the adapter (lib/http/adapter.ts) enforces.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { exampleUrl, listAppRoutes, type AppRoute } from "../lib/http/app-routes";
import { allows, routeForPath } from "../lib/http/routes";
import { signIn, type PortalRole } from "./support/auth";

const ROLES: PortalRole[] = ["partner_analyst", "researcher", "approver", "administrator", "dpo"];
// Sign-out ends the very session the walk is using; e2e/identity.spec.ts covers it.
const NOT_WALKED_SIGNED_IN = new Set(["/api/auth/sign-out"]);
const HOW = "List the route in lib/http/routes.ts and declare it with definePage()/defineHandler() from lib/http/adapter.ts.";

async function hit(request: APIRequestContext, route: AppRoute) {
  const url = exampleUrl(route.pattern);
  const method = route.methods.includes("GET") ? "GET" : (route.methods[0] ?? "GET");
  const res = await request.fetch(url, { method, maxRedirects: 0, failOnStatusCode: false, data: method === "GET" ? undefined : "" });
  return { url, method, status: res.status(), location: res.headers()["location"] ?? "" };
}

function check(route: AppRoute, role: PortalRole | null, r: Awaited<ReturnType<typeof hit>>) {
  const access = routeForPath(route.pattern)?.spec.access;
  const who = role ?? "anonymous";
  const where = `${r.method} ${r.url} as ${who} → ${r.status} ${r.location}`;
  expect(access, `${route.file} is not in the manifest. ${HOW}`).toBeDefined();
  expect(r.status, `${where}: server error`).toBeLessThan(500);
  if (access === "public") return;
  if (allows(access!, role)) {
    expect(r.location.includes("/signin"), `${where}: sent to sign-in although allowed`).toBe(false);
    expect([401, 403], `${where}: refused although allowed`).not.toContain(r.status);
    return;
  }
  if (role === null) {
    if (route.kind === "page") {
      expect([303, 307], `${where}: an anonymous visitor must be redirected to sign-in. ${HOW}`).toContain(r.status);
      expect(r.location, where).toMatch(/\/signin\?callbackUrl=/);
    } else {
      expect(r.status, `${where}: an anonymous request must get 401. ${HOW}`).toBe(401);
    }
    return;
  }
  expect([403, 404], `${where}: the wrong role must get 404 or 403. ${HOW}`).toContain(r.status);
}

test.describe("role x route matrix", () => {
  const routes = listAppRoutes().filter((r) => r.methods.length > 0);

  test("every route is in the manifest", () => {
    const missing = routes.filter((r) => !routeForPath(r.pattern)).map((r) => r.file);
    expect(missing, HOW).toEqual([]);
  });

  test("anonymous visitors", async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL });
    for (const route of routes) check(route, null, await hit(request, route));
    await request.dispose();
  });

  for (const role of ROLES) {
    test(`signed in as ${role}`, async ({ browser }) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, role);
      for (const route of routes.filter((r) => !NOT_WALKED_SIGNED_IN.has(r.pattern))) {
        check(route, role, await hit(context.request, route));
      }
      await context.close();
    });
  }
});
