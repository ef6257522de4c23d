// The Troubled Families evaluation as a researcher and as a council's analyst (issue 14).
import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

test.describe.configure({ timeout: 240_000 });

test("a researcher reads the pooled evaluation of all councils, then one council's cohort", async ({ page }) => {
  await signIn(page, "researcher");
  await page.getByRole("link", { name: "Troubled Families" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Troubled Families evaluation" })).toBeVisible();
  await expect(page.getByText("Showing all councils, all cohorts pooled.")).toBeVisible();
  // Every outcome has its estimate table; the demo's planted data gives the matched estimates.
  for (const outcome of ["Offences", "Anti-social behaviour incidents", "Domestic violence incidents", "On out-of-work benefits"]) {
    await expect(page.getByRole("heading", { level: 3, name: outcome })).toBeVisible();
  }
  const offences = page.getByRole("table", { name: /Offences: estimated effect/ });
  await expect(offences.getByRole("row", { name: /Matched comparison group/ })).toContainText(/[−-]0\.\d\d \(/);
  // Before and after as bars, beside the tables that hold the same figures.
  await expect(page.getByRole("application", { name: "Offences, before and after" })).toBeVisible();
  await expect(page.getByRole("table", { name: /Balance of the groups/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const council = page.getByLabel("Council", { exact: true });
  const options = await council.locator("option").allTextContents();
  expect(options).toEqual(expect.arrayContaining(["All councils", "Basildon Borough Council", "Essex County Council"]));
  await council.selectOption({ label: "Basildon Borough Council" });
  const cohort = page.getByLabel(/Cohort/);
  const first = (await cohort.locator("option").nth(1).getAttribute("value"))!;
  await cohort.selectOption(first);
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page.getByText(`Showing Basildon Borough Council, the ${first} cohort.`)).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // A cohort that does not exist is named, not silently replaced.
  await page.goto("/troubled-families?cohort=1999-H1");
  await expect(page.getByTestId("filter-not-offered")).toContainText("no cohort “1999-H1”");
});

test("a council's analyst sees only their own council, with their batches and the next one due", async ({ page }) => {
  await signIn(page, "partner_analyst");
  await page.goto("/troubled-families");
  await expect(page.getByText("Showing Basildon Borough Council, all cohorts pooled.")).toBeVisible();
  // No choice of council: the page holds only their own.
  await expect(page.getByLabel("Council", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Troubled Families batches your council has sent" }).getByRole("row")).toHaveCount(5);
  await expect(page.getByText(/The next batch due is for \d{4}-H[12]\./)).toBeVisible();
  // Asking for the county council's results in the address changes nothing.
  const before = await page.getByRole("table", { name: /Offences: estimated effect/ }).textContent();
  await page.goto("/troubled-families?council=all");
  await expect(page.getByTestId("filter-not-offered")).toContainText("no results you may see");
  expect(await page.getByRole("table", { name: /Offences: estimated effect/ }).textContent()).toBe(before);
  await expectNoSeriousA11yViolations(page);
});
