// What users stumbled on (issue 9, sections 4 and 5), tried again as they would in Chromium.
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { createTestAccount, portalDatabase, signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

// Several pages and axe scans per test: more than the default two minutes on a busy machine.
test.describe.configure({ timeout: 240_000 });

const HB_HEADER =
  "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp," +
  "social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium," +
  "employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly,self_employment_income_net_weekly," +
  "earned_income_disregard_weekly,childcare_disregard_weekly";
const hbLine = (key = randomBytes(32).toString("hex")) => `${key},C,25,312.50,1820.00,social_rented,,Y,Y,N,N,N,N,250.00,200.00,,,20.00,`;

test("an identifier incident's result page explains, in plain words, where and what to do", async ({ page }) => {
  await signIn(page, "partner_analyst");
  await page.goto("/uploads/new");
  // Basildon supplies housing and benefits, and its Troubled Families batches: other partners' datasets are not offered.
  const offered = await page
    .getByLabel("Dataset")
    .locator("option:not([value=''])")
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(offered).toEqual(["housing-benefits", "troubled-families"]);
  await expectNoSeriousA11yViolations(page);

  const body = [HB_HEADER, hbLine(), hbLine("jane.doe@example.org"), hbLine()].join("\n") + "\n";
  await page.getByLabel("Dataset").selectOption("housing-benefits");
  await page.getByLabel("CSV file").setInputFiles({ name: "with-identifiers.csv", mimeType: "text/csv", buffer: Buffer.from(body) });
  await page.getByRole("button", { name: "Upload and check" }).click();
  await page.getByRole("link", { name: /See the full result/ }).click();
  const res = await page.reload();
  expect(res?.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "This file was deleted: it was not pseudonymised" })).toBeVisible();
  const where = page.getByRole("table", { name: "Where identifiers were found" });
  await expect(where.getByRole("row", { name: /address_key/ })).toContainText("e-mail addresses");
  await expect(where.getByRole("row", { name: /address_key/ })).toContainText("line 3");
  await expect(page.getByRole("heading", { name: "What to do" })).toBeVisible();
  const text = await page.locator("main").innerText();
  expect(text).not.toContain("jane.doe");
  expect(text).not.toMatch(/full-date|personal-name|key-not-pseudonymised|\bemail\b/);
  await expectNoSeriousA11yViolations(page);
});

test("errors, unknown pages and the wrong role get styled pages, never a bare 404 or a 500", async ({ page }) => {
  await signIn(page, "partner_analyst");
  const admin = await page.goto("/admin/accounts");
  expect(admin?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "You cannot use this page" })).toBeVisible();
  await expect(page.getByText("Your role does not allow this")).toBeVisible();
  await expect(page.getByRole("link", { name: /Go back to your organisation's uploads/ })).toBeVisible();
  await expect(page.getByText(/ask a portal administrator/)).toBeVisible();
  await expect(page.getByRole("banner")).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const badBatch = await page.goto("/uploads/not-a-uuid");
  expect(badBatch?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();

  // A control character in the callback must not reach a Location header as a 500.
  const signin = await page.request.get("/signin?callbackUrl=%2F%0A", { maxRedirects: 0 });
  expect(signin.status()).toBeLessThan(500);

  // A NUL in an uploaded file's name is a 400 with a plain message.
  const nul = await page.request.post(`/api/uploads?dataset=housing-benefits&filename=${encodeURIComponent("a\u0000.csv")}`, {
    headers: { "content-type": "text/csv", origin: new URL(page.url()).origin, "sec-fetch-site": "same-origin" },
    data: [HB_HEADER, hbLine()].join("\n") + "\n",
  });
  expect(nul.status()).toBe(400);
  expect((await nul.json()).message).toMatch(/Rename the file/);
});

test("each role lands on its main page, and the portal has a favicon", async ({ page }) => {
  await signIn(page, "researcher");
  await page.goto("/");
  await expect(page).toHaveURL(/\/dashboards\/vange$/);
  const icon = await page.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  await expect(page.locator('link[rel="icon"]').first()).toHaveAttribute("href", /icon/);
});

test("administrators reach every admin page from the navigation, see locked accounts, and confirm destructive actions", async ({ page }) => {
  const target = await createTestAccount("partner_analyst");
  const db = await portalDatabase();
  try {
    await db.query(`UPDATE idp_credential SET failed_attempts = 9, locked_until = now() + interval '20 minutes' WHERE user_id = $1`, [target.id]);
  } finally {
    await db.end();
  }
  await signIn(page, "administrator");
  await page.goto("/admin/accounts");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Administration", "Organisations", "Accounts", "Incidents", "SFTP inboxes", "Password policy", "Signing keys", "Sent mail"]) {
    await expect(nav.getByRole("link", { name, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole("link", { name: "Accounts", exact: true })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Administration", exact: true })).not.toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Incidents" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Data-protection incidents" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Incidents" })).toHaveAttribute("aria-current", "page");

  // Locked accounts: a state in the list, and a filter.
  await page.goto("/admin/accounts");
  await page.getByLabel("Show").selectOption("locked");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/status=locked/);
  const row = page.getByRole("row", { name: new RegExp(target.email) });
  await expect(row).toContainText("Locked");
  await expect(row).toContainText("until");
  await expect(page.getByRole("row").filter({ hasText: "Active" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);

  // Disabling asks first, with the keyboard and without a script dialog.
  await row.getByRole("link", { name: target.displayName }).click();
  await page.getByRole("link", { name: "Disable the account" }).click();
  await expect(page.getByRole("heading", { name: "Are you sure you want to disable this account?" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: "No, go back" }).click();
  await expect(page.getByRole("heading", { name: /Are you sure/ })).toHaveCount(0);
  await page.getByRole("link", { name: "Disable the account" }).click();
  await page.getByRole("button", { name: "Yes, disable the account" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status")).toContainText("The account is disabled");

  await page.getByRole("link", { name: "Reset two-factor authentication" }).click();
  await expect(page.getByRole("heading", { name: "Are you sure you want to reset two-factor authentication?" })).toBeVisible();
  await page.getByRole("button", { name: "Yes, reset two-factor authentication" }).click();
  await expect(page.getByRole("status")).toContainText("The second factor is reset");
});

test("the dashboard says what a filter withholds, marks withheld figures, names places, and names an ignored filter", async ({ page }) => {
  await signIn(page, "researcher");
  await page.goto("/dashboards/vange?year=1999");
  await expect(page.getByTestId("filter-not-offered")).toContainText("no figures for assessment year “1999”");
  await expectNoSeriousA11yViolations(page);

  await page.goto("/dashboards/vange");
  // A withheld bar is drawn at zero length with "[c]" beside it in the chart itself, so it never
  // reads as 0 %; the chart's table alternative says [c] too (collapsed in <details>, so attached).
  await expect(page.locator("svg.recharts-surface text", { hasText: "[c]" }).first()).toBeVisible();
  await expect(page.locator("table td", { hasText: "[c]" }).first()).toBeAttached();
  const district = page.getByRole("combobox", { name: "School district" });
  await expect(district.locator("option", { hasText: "Basildon: Vange (BAS-VANGE)" })).toHaveCount(1);
  // The narrowest view: one year and one district.
  const year = await page.getByRole("combobox", { name: "Assessment year" }).locator("option").nth(1).getAttribute("value");
  const code = await district.locator("option").nth(1).getAttribute("value");
  await page.goto(`/dashboards/vange?year=${year}&district=${code}`);
  const summary = page.getByTestId("withheld-summary");
  await expect(summary).toContainText(/\d+ of \d+ figures on this page (is|are) withheld/);
  await expect(page.getByText("Every value of this chart is withheld to protect confidentiality; nothing can be drawn.").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
