import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "./support/axe";
import { completeEnrolment, createTestAccount, enterPassword, freshCode, portalDatabase, signIn, signOut, startSignIn } from "./support/auth";

test("first sign-in enrols the authenticator from the shown secret and lands on the role's start page", async ({ page }) => {
  const account = await createTestAccount("partner_analyst");
  await startSignIn(page);
  await expectNoSeriousA11yViolations(page);
  await enterPassword(page, account);

  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await completeEnrolment(page, account);

  // Each role lands on its main page: an analyst on the organisation's uploads.
  await expect(page).toHaveURL(/\/uploads$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your uploads" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Basildon Borough Council");
  await expect(page.getByRole("banner")).toContainText("Partner analyst");

  // Signing in again asks for a code, not for enrolment.
  await signOut(page);
  await signIn(page, account);
  await expect(page.getByRole("heading", { level: 1, name: "Your uploads" })).toBeVisible();
});

test("a wrong code is refused, then the right one is accepted", async ({ page }) => {
  const account = await signIn(page, "researcher");
  await signOut(page);

  await startSignIn(page);
  await enterPassword(page, account);
  await expect(page.getByRole("heading", { name: "Enter the code from your authenticator app" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const right = await freshCode(account);
  const wrong = right === "000000" ? "111111" : "000000";
  await page.getByLabel("Code").fill(wrong);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert", { name: "There is a problem" })).toContainText("That code is not right or cannot be used");
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoSeriousA11yViolations(page);

  await page.getByLabel("Code").fill(right);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboards\/vange$/);
  await expect(page.getByRole("heading", { level: 1, name: "Vange school readiness" })).toBeVisible();
});

test("an expired password forces a change before anything else is reachable", async ({ page }) => {
  const account = await createTestAccount("approver", { passwordAgeDays: 200 });
  await startSignIn(page);
  await enterPassword(page, account);
  await completeEnrolment(page, account);

  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await expect(page.getByText(/more than 180 days old/)).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // Nothing of the portal is reachable meanwhile: no portal session exists yet.
  const probe = await page.request.get("/api/dashboards/vange", { maxRedirects: 0 });
  expect(probe.status()).toBe(401);

  // The current password is refused (history), a short one too.
  await page.getByLabel("New password", { exact: true }).fill(account.password);
  await page.getByLabel("Type the new password again").fill(account.password);
  await page.getByRole("button", { name: "Save the new password and continue" }).click();
  await expect(page.getByRole("alert", { name: "There is a problem" })).toContainText("must differ from your last 5 passwords");
  await page.getByLabel("New password", { exact: true }).fill("short-one");
  await page.getByLabel("Type the new password again").fill("short-one");
  await page.getByRole("button", { name: "Save the new password and continue" }).click();
  await expect(page.getByRole("alert", { name: "There is a problem" })).toContainText("at least 12 characters");

  account.password = "copper-tundra-nectar-2031";
  await page.getByLabel("New password", { exact: true }).fill(account.password);
  await page.getByLabel("Type the new password again").fill(account.password);
  await page.getByRole("button", { name: "Save the new password and continue" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  // An approver's home is the queue of release requests.
  await expect(page.getByRole("heading", { level: 1, name: "Release requests" })).toBeVisible();

  const db = await portalDatabase();
  try {
    const row = await db.query("SELECT password_changed_at > now() - interval '1 hour' AS fresh FROM idp_credential WHERE user_id = $1", [
      account.id,
    ]);
    expect(row.rows[0].fresh).toBe(true);
  } finally {
    await db.end();
  }
});

test("an administrator creates an analyst, who activates the account and signs in", async ({ page }) => {
  await signIn(page, "administrator");
  await page.goto("/admin/accounts/new");
  await expectNoSeriousA11yViolations(page);
  const email = `new-analyst-${Date.now()}@essex-police.example`;
  await page.getByLabel("Full name").fill("Nia Analyst");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Partner analyst" });
  await page.getByLabel("Organisation", { exact: true }).selectOption({ label: "Essex Police" });
  await page.getByRole("button", { name: "Create the account" }).click();
  await expect(page.getByRole("status")).toContainText(`Account created for ${email}`);
  const activationUrl = (await page.locator("#activation-url").innerText()).trim();
  expect(activationUrl).toMatch(/\/activate\/[A-Za-z0-9_-]{40,}$/);

  await page.goto("/admin/accounts");
  await expect(page.getByRole("row", { name: new RegExp(email) })).toContainText("Invited");
  await signOut(page);

  await page.goto(activationUrl);
  await expect(page.getByRole("heading", { name: "Activate your account" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  const password = "quartz-heron-velvet-5150";
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByLabel("Type the password again").fill(password);
  await page.getByRole("button", { name: "Activate my account" }).click();
  await expect(page.getByRole("heading", { name: "Your account is active" })).toBeVisible();

  const analyst = {
    id: "",
    email,
    displayName: "Nia Analyst",
    password,
    role: "partner_analyst" as const,
    orgSlug: "essex-police",
    totpSecret: null,
    lastStep: null,
  };
  await signIn(page, analyst);
  await expect(page.getByRole("heading", { level: 1, name: "Your uploads" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("Essex Police");
  // The activation link works once.
  await signOut(page);
  await page.goto(activationUrl);
  await expect(page.getByRole("heading", { name: "This activation link cannot be used" })).toBeVisible();
});

test("sign-out ends the portal session and the identity provider's", async ({ page }) => {
  const account = await signIn(page, "administrator");
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Administration" })).toBeVisible();
  const providerSessions = async () => {
    const db = await portalDatabase();
    try {
      const r = await db.query("SELECT count(*)::int AS n FROM idp_store WHERE model = 'Session' AND payload->>'accountId' = $1", [account.id]);
      return r.rows[0].n as number;
    } finally {
      await db.end();
    }
  };
  expect(await providerSessions()).toBe(1);
  await signOut(page);

  expect(await providerSessions()).toBe(0);
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?/);
  const db = await portalDatabase();
  try {
    const sessions = await db.query("SELECT ended_at IS NOT NULL AS ended, end_reason FROM portal_session WHERE user_id = $1", [account.id]);
    expect(sessions.rows).toEqual([{ ended: true, end_reason: "sign_out" }]);
  } finally {
    await db.end();
  }
});

test("sign-in pages pass axe: the start page and the not-registered and refusal pages", async ({ page }) => {
  for (const path of ["/signin", "/signin/not-registered", "/signin/refused?reason=second-factor", "/signin/error", "/signed-out"]) {
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
});
