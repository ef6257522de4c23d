import { createHash } from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { signIn } from "./support/auth";
import { expectNoSeriousA11yViolations } from "./support/axe";

// The airlock end to end: a researcher asks for a dashboard table to be released, the approver
// returns it with a comment, the researcher resubmits a new version, the approver approves, the
// release is in the public register and its CSV downloads with the SHA-256 the register shows.
test("a dashboard table goes through review to the register, and downloads with its recorded hash", async ({ browser }) => {
  test.setTimeout(300_000);
  const title = `GLD by gender ${Date.now()}`;
  const researcherContext = await browser.newContext();
  const approverContext = await browser.newContext();
  const r = await researcherContext.newPage();
  const a = await approverContext.newPage();
  await signIn(r, "researcher");
  await signIn(a, "approver");

  // The researcher starts from the dashboard figure: the request carries its definition, not numbers.
  await r.goto("/dashboards/vange");
  await r.getByRole("link", { name: "Request release for publication of By gender" }).click();
  await expect(r.getByRole("heading", { level: 1, name: "Release requests" })).toBeVisible();
  await expect(r.getByRole("heading", { name: "Add “By gender”" })).toBeVisible();
  await expectNoSeriousA11yViolations(r);
  await r.getByLabel("Title").fill(title);
  await r.getByLabel("Purpose").fill("Annual school-readiness report to the partners' board.");
  await r.getByRole("button", { name: "Start a request with “By gender”" }).click();
  await expect(r.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(r.getByRole("rowheader", { name: "By gender" })).toBeVisible();
  await expectNoSeriousA11yViolations(r);
  await r.getByRole("button", { name: "Submit for approval" }).click();
  await expect(r.getByRole("heading", { name: "Submit this request?" })).toBeVisible();
  await r.getByRole("button", { name: "Yes, submit it" }).click();
  await expect(r.getByRole("status")).toContainText("The request is submitted");
  await expect(r.getByText("Waiting for approval")).toBeVisible();
  // The check report is beside the output, computed by the platform.
  await expect(r.getByRole("definition").filter({ hasText: "Counts of 5 or fewer withheld" })).toBeVisible();
  await expectNoSeriousA11yViolations(r);

  // The approver's home is the queue; the request waits there.
  await a.goto("/");
  await expect(a.getByRole("heading", { level: 1, name: "Release requests" })).toBeVisible();
  await a.getByRole("link", { name: title }).first().click();
  await expect(a.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expectNoSeriousA11yViolations(a);
  await a.getByLabel("Return to the researcher with comments").check();
  await a.getByRole("textbox", { name: "Comment" }).fill("Please say in the purpose which board meeting this is for.");
  await a.getByRole("button", { name: "Continue" }).click();
  await expect(a.getByRole("heading", { name: "Return to the researcher with comments?" })).toBeVisible();
  await a.getByRole("button", { name: "Yes, return" }).click();
  await expect(a.getByRole("status")).toContainText("returned to the researcher");

  // The researcher reads the comment and resubmits a new version.
  await r.reload();
  await expect(r.getByText("Please say in the purpose which board meeting this is for.")).toBeVisible();
  await r.getByRole("button", { name: "Make a new version" }).click();
  await expect(r.getByText("Release request, version 2")).toBeVisible();
  await r.getByRole("button", { name: "Submit for approval" }).click();
  await r.getByRole("button", { name: "Yes, submit it" }).click();
  await expect(r.getByRole("status")).toContainText("The request is submitted");

  // The approver approves version 2: it is released.
  await a.goto("/releases/requests");
  await a.getByRole("row").filter({ hasText: "Waiting for you" }).filter({ hasText: title }).getByRole("link", { name: title }).click();
  await expect(a.getByText("Release request, version 2")).toBeVisible();
  await a.getByLabel("Approve and release").check();
  await a.getByRole("button", { name: "Continue" }).click();
  await a.getByRole("button", { name: "Yes, approve" }).click();
  const notice = await a.getByRole("status").innerText();
  const label = notice.match(/R-\d{4}/)?.[0];
  expect(label, notice).toBeTruthy();

  // The public register lists it with its file's hash; the download has exactly that hash.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/releases");
  const entry = visitor.getByRole("region", { name: new RegExp(`${label}: ${title}`) });
  await expect(entry).toBeVisible();
  await expect(entry.getByRole("definition").filter({ hasText: "Test approver" })).toBeVisible();
  await expectNoSeriousA11yViolations(visitor);
  const hash = (await entry.locator("code.hash").first().innerText()).trim();
  expect(hash).toMatch(/^[0-9a-f]{64}$/);
  const [download] = await Promise.all([
    visitor.waitForEvent("download"),
    entry
      .getByRole("link", { name: /\.csv$/ })
      .first()
      .click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${label}_01_gld-gender_`));
  const bytes = fs.readFileSync((await download.path())!);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(hash);
  expect(bytes.toString("utf8")).toContain(`Release ${label}`);

  // Withdrawal, with a reason and a confirmation: it stays in the register, its files are no longer served.
  await a.goto("/releases");
  await a.getByRole("link", { name: `Withdraw ${label}` }).click();
  await expect(a.getByRole("heading", { level: 1, name: new RegExp(`Withdraw ${label}`) })).toBeVisible();
  await expectNoSeriousA11yViolations(a);
  await a.getByRole("button", { name: "Continue" }).click();
  await expect(a.getByRole("alert", { name: "There is a problem" })).toContainText("Give the reason");
  await a.getByLabel("Reason for the withdrawal").fill("Basildon withdrew its batch.");
  await a.getByRole("button", { name: "Continue" }).click();
  await a.getByRole("button", { name: "Yes, withdraw it" }).click();
  await expect(a.getByRole("status")).toContainText("The release is withdrawn");
  const withdrawn = a.getByRole("region", { name: new RegExp(`${label}: ${title}`) });
  await expect(withdrawn.getByRole("heading", { name: new RegExp(`${label}: ${title} Withdrawn`) })).toBeVisible();
  await expect(withdrawn.getByText("Basildon withdrew its batch.")).toBeVisible();
  await expect(withdrawn.getByRole("link", { name: /\.csv$/ })).toHaveCount(0);

  // A dashboard export is not a release, and says so.
  const exported = await r.request.get("/api/dashboards/vange/csv?table=gld-gender");
  expect(exported.headers()["content-disposition"]).toContain("NOT-APPROVED-FOR-PUBLICATION_");
  expect(await exported.text()).toContain("NOT APPROVED FOR PUBLICATION");
});

test("an administrator sets who approves an agreement's releases", async ({ page }) => {
  await signIn(page, "administrator");
  await page.goto("/admin");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Release approvals" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Who approves releases" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const pilot = page.getByRole("region", { name: /school readiness in Vange/ });
  await pilot.getByRole("button", { name: /Require every data owner's approval too/ }).click();
  await expect(page.getByRole("status")).toContainText("Every data owner must now approve");
  await expect(pilot.getByText("The owner and every data owner of the release's matching run")).toBeVisible();
  await pilot.getByRole("button", { name: /Require the owner's approval only/ }).click();
  await expect(page.getByRole("status")).toContainText("The owner organisation's approval is now enough");
});
