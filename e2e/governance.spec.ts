import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { signIn, signOut } from "./support/auth";

test("a DPO filters and exports the audit trail", async ({ page }) => {
  // A data-protection officer of Essex County Council: lands on the audit trail.
  await signIn(page, "dpo");
  await page.goto("/audit");
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Integrity of the audit trail" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // The chain is verified on request, by the job; the verdict appears at the top.
  const check = page.getByRole("button", { name: "Check the chain now" });
  if (await check.isVisible()) await check.click();
  await expect(async () => {
    await page.goto("/audit");
    await expect(page.getByText("Intact", { exact: true })).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 60_000 });

  // Only the county's loads (the demo loaded its extracts through the pipeline).
  await page.getByLabel("Event type").selectOption("ingest.batch_loaded");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=ingest\.batch_loaded/);
  const rows = page.locator("table tbody tr");
  await expect(rows.first()).toBeVisible();
  const orgs = await rows.locator("td:nth-child(4)").allInnerTexts();
  expect(orgs.length).toBeGreaterThan(0);
  expect(new Set(orgs)).toEqual(new Set(["Essex County Council"]));
  await expectNoSeriousA11yViolations(page);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: /Download every event these filters select/ }).click(),
  ]);
  const csv = fs
    .readFileSync((await download.path())!, "utf8")
    .replace(/^\uFEFF/, "")
    .trim()
    .split(/\r\n/);
  expect(csv[0]).toBe("id,at_utc,actor,role,organisation,organisation_id,event,target_type,target_id,outcome,details");
  expect(csv.length - 1).toBe(orgs.length);
  for (const line of csv.slice(1)) expect(line).toContain(",ingest.batch_loaded,upload_batch,");

  // A bad filter is explained, not a crash.
  await page.goto("/audit?from=last-tuesday");
  await expect(page.locator(".error-summary")).toContainText("First day: Enter the first day as a date");
});

test("a breach is reported and every party receives the e-mail", async ({ page }) => {
  await signIn(page, "partner_analyst");
  await page.goto("/incidents");
  await expect(page.getByRole("heading", { level: 1, name: "Breach register" })).toBeVisible();
  await page.getByRole("link", { name: "Report a breach" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Report a breach" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  // Nothing filled in: every problem is named.
  await page.getByRole("button", { name: "Record the breach and notify every party" }).click();
  await expect(page.locator(".error-summary")).toContainText("Title: Give the incident a short title");

  const title = `Laptop left on a train ${Date.now()}`;
  await page.getByLabel("Agreement the data was shared under").selectOption({ label: "Essex Data Platform pilot: school readiness in Vange" });
  await page.getByLabel("Lost or stolen device (laptop, phone, memory stick)").check();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Description").fill("An encrypted laptop holding an extract was left on the 08:12 to Liverpool Street.");
  const hourAgo = new Date(Date.now() - 3_600_000);
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(hourAgo)
      .map((x) => [x.type, x.value]),
  );
  await page.getByLabel("When it was discovered (UK time)").fill(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`);
  await page.getByRole("button", { name: "Record the breach and notify every party" }).click();
  await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("all 4 parties are being e-mailed");
  await expect(page.getByRole("heading", { name: /^1 hour \d+ minutes? since discovery$/ })).toBeVisible();
  const reference = (await page.locator(".caption").innerText()).split(" · ")[0]!;
  await expectNoSeriousA11yViolations(page);

  // Every party's data-protection contact got it: the administrators' Sent mail shows each delivered.
  await signOut(page);
  await signIn(page, "administrator");
  for (const to of ["dpo@essex.example", "dpo@basildon.example", "dpo@essex-police.example", "dpo@essex-university.example"]) {
    await expect(async () => {
      await page.goto("/admin/mail");
      const row = page.getByRole("row", { name: new RegExp(`${to}.*${reference}`) });
      await expect(row).toContainText("Delivered", { timeout: 1_000 });
    }).toPass({ timeout: 60_000 });
  }
});
