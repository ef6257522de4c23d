import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { signIn } from "./support/auth";

// `npm start` without SMTP_URL: the embedded mail server receives every notice, and administrators
// read it on "Sent mail". The demo's invitation journey needs no mail account.
test("an invitation is e-mailed and shown on Sent mail, and the link read there activates the account", async ({ page }) => {
  await signIn(page, "administrator");
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sent mail" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sent mail" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto("/admin/accounts/new");
  const email = `mail-${Date.now()}@basildon.example`;
  await page.getByLabel("Full name").fill("Mo Mailed");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Researcher" });
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: "Basildon Borough Council" });
  await page.getByRole("button", { name: "Create the account" }).click();
  await expect(page.getByRole("status")).toContainText("has been e-mailed");
  const shown = (await page.locator("#activation-url").innerText()).trim();

  await page.goto("/admin/mail");
  const row = page.getByRole("row", { name: new RegExp(email) });
  await expect(async () => {
    await page.reload();
    await expect(row).toContainText("Delivered", { timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expectNoSeriousA11yViolations(page);
  await row.getByRole("link", { name: "Your Essex Data Platform account: set your password" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your Essex Data Platform account: set your password" })).toBeVisible();
  await expect(page.locator(".mail-body")).toContainText("Dear Mo Mailed");
  await expectNoSeriousA11yViolations(page);
  const link = (await page.locator(".mail-body").innerText()).match(/https?:\/\/\S+\/activate\/[A-Za-z0-9_-]+/)?.[0];
  expect(link).toBe(shown);

  await page.goto(link!);
  await expect(page.getByRole("heading", { name: "Activate your account" })).toBeVisible();
});
