import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

const HB_HEADER =
  "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp," +
  "social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium," +
  "employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly,self_employment_income_net_weekly," +
  "earned_income_disregard_weekly,childcare_disregard_weekly";

/** A valid housing-benefits extract of `rows` households (random pseudonyms), built here so the spec needs no server code. */
function housingBenefits(rows: number, mutate?: (line: string, i: number) => string): Buffer {
  const lines = [HB_HEADER];
  for (let i = 0; i < rows; i++) {
    const line = `${randomBytes(32).toString("hex")},C,25,312.50,1820.00,social_rented,,Y,Y,N,N,N,N,250.00,200.00,,,20.00,`;
    lines.push(mutate ? mutate(line, i) : line);
  }
  return Buffer.from(lines.join("\n") + "\n", "utf8");
}

async function chooseAndUpload(page: Page, file: { name: string; buffer: Buffer }, opts: { loadValidRows?: boolean } = {}) {
  await page.goto("/uploads/new");
  await page.getByLabel("Dataset").selectOption("housing-benefits");
  await page.getByLabel("CSV file").setInputFiles({ name: file.name, mimeType: "text/csv", buffer: file.buffer });
  if (opts.loadValidRows) await page.getByLabel("If some rows have errors, load the valid rows anyway").check();
  await page.getByRole("button", { name: "Upload and check" }).click();
}

test("a partner analyst uploads a file, watches it load, and downloads the exact bytes back", async ({ page }) => {
  await signIn(page, "partner_analyst");
  await page.goto("/uploads");
  await expect(page.getByRole("heading", { level: 1, name: "Your uploads" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Over 10 MB on purpose: the body must stream past any proxy buffering to the route handler.
  const body = housingBenefits(80_000);
  expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
  await chooseAndUpload(page, { name: "housing-benefits-e2e.csv", buffer: body });
  await expect(page.getByRole("heading", { name: "File loaded" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText("All 80000 rows were loaded.")).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("link", { name: "See the full result" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "housing-benefits-e2e.csv" })).toBeVisible();
  await expect(page.getByText("Loaded (live)")).toBeVisible();
  await expect(page.getByText(createHash("sha256").update(body).digest("hex"))).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the exact file your organisation sent" }).click(),
  ]);
  expect(fs.readFileSync((await download.path())!).equals(body)).toBe(true);
  await expectNoSeriousA11yViolations(page);

  // Withdrawal asks for confirmation, then takes the batch out of analysis.
  await page.getByRole("link", { name: "Withdraw this upload" }).click();
  await page.getByRole("button", { name: "Yes, withdraw this upload" }).click();
  await expect(page.getByRole("heading", { name: "Upload withdrawn" })).toBeVisible();
  await expect(page.getByText("Withdrawn", { exact: true })).toBeVisible();
});

test("a file with errors is refused whole and its errors are grouped by column and rule, with a CSV report", async ({ page }) => {
  await signIn(page, "partner_analyst");
  const body = housingBenefits(30, (line, i) =>
    i % 10 === 3 ? line.replace(",C,", ",Q,") : i === 7 ? line.replace("social_rented", "=cmd|' /C calc'!A0") : line,
  );
  await chooseAndUpload(page, { name: "bad.csv", buffer: body });
  await expect(page.getByRole("heading", { name: "File refused" })).toBeVisible();
  await page.getByRole("link", { name: /See the full result/ }).click();
  const table = page.getByRole("table");
  await expect(table.getByRole("rowheader", { name: "council_tax_band" })).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: "council_tax_band" })).toContainText("3");
  await expect(table.getByRole("rowheader", { name: "tenure" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download the full error report (CSV)" }).click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv).toContain("council_tax_band");
  expect(csv).toContain("'=cmd");
  await expect(page.getByRole("link", { name: "Download the exact file your organisation sent" })).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

test("the upload form works from the keyboard and reports a missing file without sending anything", async ({ page }) => {
  await signIn(page, "partner_analyst");
  await page.goto("/uploads/new");
  await page.getByLabel("Dataset").focus();
  await page.keyboard.press("ArrowDown");
  await page.getByRole("button", { name: "Upload and check" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("alert").filter({ hasText: "There is a problem" })).toContainText(/Choose a CSV file|Choose which dataset/);
  await expectNoSeriousA11yViolations(page);
});

test("a file with clear identifiers becomes an incident that administrators see, without the values", async ({ page, browser }) => {
  await signIn(page, "partner_analyst");
  const body = housingBenefits(5, (line, i) => (i === 2 ? line.replace(/^[0-9a-f]{64}/, "CM13 3BE") : line));
  await chooseAndUpload(page, { name: "not-pseudonymised.csv", buffer: body });
  await expect(page.getByRole("heading", { name: "File deleted: not pseudonymised" })).toBeVisible();
  await expect(page.getByText(/data-protection incident has been recorded/)).toBeVisible();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, "administrator");
  await admin.goto("/admin/incidents");
  const row = admin.getByRole("row").filter({ hasText: "not-pseudonymised.csv" });
  await expect(row).toContainText("a UK postcode");
  await expect(admin.getByText("CM13 3BE")).toHaveCount(0);
  await expectNoSeriousA11yViolations(admin);
  await admin.goto("/admin/sftp");
  await expect(admin.getByRole("heading", { level: 1, name: "SFTP inboxes" })).toBeVisible();
  await expectNoSeriousA11yViolations(admin);
  await adminContext.close();
});

test("the data specification is public and offers templates", async ({ page }) => {
  await page.goto("/specification");
  await expect(page.getByRole("heading", { level: 1, name: "Data specification for partners" })).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download a CSV template for Housing and benefits" }).click(),
  ]);
  expect(fs.readFileSync((await download.path())!, "utf8").split(/\r?\n/)[0]).toContain("address_key");
  await expectNoSeriousA11yViolations(page);
});
