import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

test("a researcher opens the Vange dashboard, changes the year and downloads a CSV whose small cells read [c]", async ({ page }) => {
  await signIn(page, "researcher");
  await page.goto("/dashboards/vange");
  await expect(page.getByRole("heading", { level: 1, name: "Vange school readiness" })).toBeVisible();
  await expect(page.getByText("No matching run yet")).toHaveCount(0);
  await expect(page.locator(".chart .recharts-surface").first()).toBeVisible();

  const yearSelect = page.getByRole("combobox", { name: "Assessment year" });
  const year = await yearSelect.locator("option").nth(1).getAttribute("value");
  expect(year).toMatch(/^\d{4}$/);
  await yearSelect.selectOption(year!);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`year=${year}`));
  await expect(page.getByText(`Showing assessment year ${year}`)).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Assessment year" })).toHaveValue(year!);
  await expect(page.locator(".chart .recharts-surface").first()).toBeVisible();

  // The table alternative opens on request and shows the same figures.
  const headline = page
    .locator("section.figure")
    .filter({ has: page.getByRole("heading", { name: "Good Level of Development, by assessment year" }) });
  await headline.getByText("Show the figures as a table").click();
  await expect(headline.getByRole("table")).toBeVisible();
  await expect(headline.getByRole("rowheader", { name: year! })).toBeVisible();

  const withSuppression = page
    .locator("section.figure")
    .filter({ has: page.locator("td", { hasText: "[c]" }) })
    .first();
  await expect(withSuppression).toHaveCount(1);
  const [download] = await Promise.all([page.waitForEvent("download"), withSuppression.getByRole("link", { name: /Download CSV/ }).click()]);
  expect(download.suggestedFilename()).toContain(String(year));
  // Not a release: the file and its name say so.
  expect(download.suggestedFilename()).toMatch(/^NOT-APPROVED-FOR-PUBLICATION_/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv).toContain("NOT APPROVED FOR PUBLICATION");
  expect(csv).toContain("[c]");
  expect(csv.split(/\r\n/)[0]).not.toBe("");

  await expectNoSeriousA11yViolations(page);
});

test("a partner analyst cannot reach the dashboard or its data", async ({ page }) => {
  await signIn(page, "partner_analyst");
  const res = await page.goto("/dashboards/vange");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "You cannot use this page" })).toBeVisible();
  const api = await page.request.get("/api/dashboards/vange");
  expect(api.status()).toBe(403);
  const csv = await page.request.get("/api/dashboards/vange/csv?table=gld");
  expect(csv.status()).toBe(403);
  // The match rates page is theirs, showing only their own datasets.
  await page.goto("/matching");
  await expect(page.getByRole("heading", { level: 1, name: "Matching and match rates" })).toBeVisible();
});
