// Issue 9, section 3, against the running portal: open redirect, cross-site writes, sign-out
// ending the session, and the Content-Security-Policy (with no violations on the pages that
// run script: upload progress, charts, the sign-in and sign-out steps).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { expect, test, type ConsoleMessage, type Page } from "@playwright/test";
import { portalDatabase, signIn, signOut } from "./support/auth";

/** Collects every CSP violation a page reports (console and the DOM event). */
function watchCsp(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) seen.push(m.text());
  });
  page.on("pageerror", (e) => {
    if (/Content Security Policy/i.test(e.message)) seen.push(e.message);
  });
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return seen;
}

/** A page on another port of the same host: "another origin", though the same site for cookies. */
async function attackerSite(html: (target: string) => string, target: string) {
  const server = http.createServer((_req, res) => {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.end(html(target));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://localhost:${port}/`, origin: `http://localhost:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test.describe("open redirect after sign-in", () => {
  test("a signed-in visitor is never sent off the site, whatever callbackUrl holds", async ({ page, baseURL }) => {
    await signIn(page, "researcher");
    for (const cb of [
      "%2F%09%2Fevil.example",
      "%2F%09%5Cevil.example",
      "%2F%5Cevil.example",
      "%2F.%2F%2Fevil.example",
      "%2F%0A%2Fevil.example",
      "https%3A%2F%2Fevil.example",
      "%2F%0A",
    ]) {
      const res = await page.request.get(`/signin?callbackUrl=${cb}`, { maxRedirects: 0 });
      expect(res.status(), cb).toBeLessThan(500);
      const location = res.headers()["location"];
      if (location) expect(new URL(location, baseURL).origin, `${cb} → ${location}`).toBe(new URL(baseURL!).origin);
    }
  });

  test("/signin?callbackUrl=%2F%0A answers without an error when signed out too", async ({ request }) => {
    const res = await request.get("/signin?callbackUrl=%2F%0A", { maxRedirects: 0 });
    expect(res.status()).toBeLessThan(500);
  });
});

test.describe("cross-site request forgery", () => {
  test("a page on another port cannot make a signed-in analyst's browser upload a file", async ({ page, baseURL }) => {
    const analyst = await signIn(page, "partner_analyst");
    const file = `address_key,council_tax_band\n${randomBytes(32).toString("hex")},C\n`;
    const site = await attackerSite(
      (target) => `<!DOCTYPE html><html><body>
<form id="f" method="post" enctype="multipart/form-data" action="${target}/api/uploads/form">
<input type="hidden" name="dataset" value="housing-benefits"></form>
<script>
const dt = new DataTransfer();
dt.items.add(new File([${JSON.stringify(file)}], "csrf.csv", { type: "text/csv" }));
const input = document.createElement("input"); input.type = "file"; input.name = "file"; input.files = dt.files;
document.getElementById("f").appendChild(input); document.getElementById("f").submit();
</script></body></html>`,
      baseURL!,
    );
    try {
      const answer = page.waitForResponse((r) => r.url().endsWith("/api/uploads/form"));
      await page.goto(site.url);
      const res = await answer;
      expect(res.status()).toBe(403);
      await expect(page.getByRole("heading", { name: "Request refused" })).toBeVisible();
      await expect(page.locator("body")).toContainText("not part of the Essex Data Platform");
    } finally {
      await site.close();
    }
    const db = await portalDatabase();
    try {
      const batches = await db.query("SELECT 1 FROM upload_batch WHERE uploaded_by_id = $1", [analyst.id]);
      expect(batches.rowCount).toBe(0);
    } finally {
      await db.end();
    }
  });

  test("every state-changing request from another origin is refused with a clear 403; the portal's own are not", async ({ page, baseURL }) => {
    await signIn(page, "partner_analyst");
    const other = new URL(baseURL!);
    other.port = String(Number(other.port) + 1);
    const cases: { path: string; headers: Record<string, string> }[] = [
      { path: "/api/uploads/form", headers: { origin: other.origin } },
      { path: "/api/uploads", headers: { origin: other.origin } },
      { path: "/api/uploads/form", headers: { origin: "null" } },
      { path: "/api/uploads/form", headers: { "sec-fetch-site": "same-site" } },
      { path: "/api/uploads/form", headers: { "sec-fetch-site": "cross-site" } },
      { path: "/api/auth/sign-out", headers: { origin: "http://evil.example" } },
      // A server action: Next.js checks their origin itself; the portal refuses before that.
      { path: "/uploads", headers: { origin: other.origin, "next-action": "0".repeat(40) } },
    ];
    for (const c of cases) {
      const res = await page.request.post(c.path, {
        headers: { ...c.headers, accept: "application/json" },
        multipart: { dataset: "housing-benefits" },
        maxRedirects: 0,
      });
      expect(res.status(), `${c.path} ${JSON.stringify(c.headers)}`).toBe(403);
      expect(await res.json()).toMatchObject({
        error: "cross_site_request",
        message: expect.stringContaining("not part of the Essex Data Platform"),
      });
    }
    // From the portal's own origin the same request reaches the handler (which answers about the missing file).
    const own = await page.request.post("/api/uploads/form", {
      headers: { origin: new URL(baseURL!).origin },
      multipart: { dataset: "housing-benefits" },
      maxRedirects: 0,
    });
    expect(own.status()).not.toBe(403);
  });
});

test.describe("signing out", () => {
  test("next-auth's own POST /api/auth/signout ends the portal session: a copied cookie stops working", async ({ page, browser, baseURL }) => {
    await signIn(page, "partner_analyst");
    const copied = await page.context().cookies();
    const { csrfToken } = (await (await page.request.get("/api/auth/csrf")).json()) as { csrfToken: string };
    const out = await page.request.post("/api/auth/signout", {
      form: { csrfToken, callbackUrl: "/" },
      headers: { origin: new URL(baseURL!).origin },
      maxRedirects: 0,
    });
    expect(out.status()).toBeLessThan(400);

    const thief = await browser.newContext();
    try {
      await thief.addCookies(copied);
      // /api/uploads answers POST only (a GET is 405 whoever asks): the page tells alive from dead.
      const res = await thief.request.get("/uploads", { maxRedirects: 0 });
      expect(res.status()).toBe(307);
      expect(res.headers()["location"]).toContain("/signin");
    } finally {
      await thief.close();
    }
  });

  test("the header's Sign out button ends the session too", async ({ page, browser }) => {
    await signIn(page, "researcher");
    const copied = await page.context().cookies();
    await signOut(page);
    const thief = await browser.newContext();
    try {
      await thief.addCookies(copied);
      expect((await thief.request.get("/api/dashboards/vange", { maxRedirects: 0 })).status()).toBe(401);
    } finally {
      await thief.close();
    }
  });
});

test.describe("security headers", () => {
  test("pages carry a nonce policy that changes per request, and Next's scripts carry the nonce", async ({ request }) => {
    const a = await request.get("/specification");
    const b = await request.get("/specification");
    const csp = a.headers()["content-security-policy"]!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    expect(/'nonce-([^']+)'/.exec(b.headers()["content-security-policy"]!)![1]).not.toBe(nonce);
    const html = await a.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    expect(a.headers()["x-frame-options"]).toBe("DENY");
    expect(a.headers()["x-content-type-options"]).toBe("nosniff");
    // PUBLIC_URL is http here: no HSTS (it would lock a plain-http deployment out).
    expect(a.headers()["strict-transport-security"]).toBeUndefined();
  });

  test("the identity provider under /oidc gets the same headers", async ({ request }) => {
    for (const path of ["/oidc/.well-known/openid-configuration", "/oidc/session/end", "/oidc/auth?client_id=nobody"]) {
      const res = await request.get(path, { maxRedirects: 0 });
      const h = res.headers();
      expect(h["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(h["content-security-policy"], path).toContain("object-src 'none'");
      expect(h["x-frame-options"], path).toBe("DENY");
      expect(h["x-content-type-options"], path).toBe("nosniff");
      expect(h["referrer-policy"], path).toBe("same-origin");
    }
  });

  test("route handlers answer with a policy that allows nothing to run", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.headers()["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  });
});

test.describe("pages work under the policy", () => {
  test("sign-in with enrolment, an upload with progress, and sign-out through the provider: no violation", async ({ page }) => {
    const violations = watchCsp(page);
    await signIn(page, "partner_analyst");
    await page.goto("/uploads/new");
    await page.getByLabel("Dataset").selectOption("housing-benefits");
    const header =
      "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp,social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium,employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly,self_employment_income_net_weekly,earned_income_disregard_weekly,childcare_disregard_weekly";
    const rows = Array.from(
      { length: 40 },
      () => `${randomBytes(32).toString("hex")},C,25,312.50,1820.00,social_rented,,Y,Y,N,N,N,N,250.00,200.00,,,20.00,`,
    );
    await page
      .getByLabel("CSV file")
      .setInputFiles({ name: "csp-check.csv", mimeType: "text/csv", buffer: Buffer.from([header, ...rows].join("\n") + "\n") });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await expect(page.getByRole("heading", { name: "File loaded" })).toBeVisible({ timeout: 120_000 });
    await page.goto("/matching");
    await page.goto("/specification");
    await signOut(page);
    expect(violations).toEqual([]);
  });

  test("the researcher's dashboards (recharts) and the administrator's pages: no violation", async ({ page, browser }) => {
    const violations = watchCsp(page);
    await signIn(page, "researcher");
    await page.goto("/dashboards/vange");
    await expect(page.getByRole("heading", { level: 1, name: "Vange school readiness" })).toBeVisible();
    await expect(page.locator(".recharts-wrapper").first()).toBeVisible();
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page.locator(".recharts-wrapper").first()).toBeVisible();
    expect(violations).toEqual([]);

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    const adminViolations = watchCsp(admin);
    try {
      await signIn(admin, "administrator");
      for (const path of [
        "/admin",
        "/admin/accounts",
        "/admin/accounts/new",
        "/admin/organisations",
        "/admin/password-policy",
        "/admin/incidents",
        "/admin/sftp",
        "/admin/signing-keys",
      ]) {
        const res = await admin.goto(path);
        expect(res?.status(), path).toBe(200);
      }
      expect(adminViolations).toEqual([]);
    } finally {
      await adminContext.close();
    }
  });
});
