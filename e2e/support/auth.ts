// Signing in from Playwright tests, for every spec in e2e/.
//
//   import { signIn } from "./support/auth";
//   const me = await signIn(page, "partner_analyst");              // a fresh analyst of Basildon
//   await signIn(page, "researcher", { org: "university-of-essex" });
//   await signIn(page, me);                                         // the same account again
//
// Each call with a role creates a new account straight in the portal's database (the
// embedded PostgreSQL the Playwright webServer started under E2E_DATA_DIR), then signs in
// through the real pages: password, authenticator enrolment on the first sign-in (the code is
// computed from the secret the page shows), the code on later ones. Fresh accounts keep specs
// independent: no shared enrolment, no TOTP code replayed across tests.
import { hash } from "@node-rs/argon2";
import { expect, type Page } from "@playwright/test";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { base32Decode, timeStep, totpAt } from "../../lib/idp/totp";

export type PortalRole = "partner_analyst" | "researcher" | "approver" | "administrator" | "dpo";

export interface TestAccount {
  id: string;
  email: string;
  displayName: string;
  password: string;
  role: PortalRole;
  orgSlug: string;
  /** Base32 TOTP secret, known once the account has enrolled. */
  totpSecret: string | null;
  /** The last TOTP time step used, so the next sign-in waits for a fresh code. */
  lastStep: bigint | null;
}

/** Where each role's fresh accounts belong unless a test says otherwise (the demo partners). */
export const DEFAULT_ORG: Record<PortalRole, string> = {
  partner_analyst: "basildon-borough-council",
  researcher: "university-of-essex",
  approver: "essex-county-council",
  administrator: "platform-operations",
  dpo: "essex-county-council",
};

const DATA_DIR = path.resolve(process.env.E2E_DATA_DIR ?? ".data/e2e");

/** A superuser connection to the portal's embedded database (set-up only; the app uses RLS). */
export async function portalDatabase(): Promise<pg.Client> {
  const secrets = JSON.parse(fs.readFileSync(path.join(DATA_DIR, "secrets.json"), "utf8")) as { embeddedSuperuserPassword: string };
  const port = Number(fs.readFileSync(path.join(DATA_DIR, "pg", "postmaster.pid"), "utf8").split("\n")[3]);
  const client = new pg.Client({
    connectionString: `postgresql://postgres:${encodeURIComponent(secrets.embeddedSuperuserPassword)}@127.0.0.1:${port}/portal`,
  });
  await client.connect();
  return client;
}

const WORDS = ["kestrel", "pewter", "walnut", "meadow", "lantern", "quartz", "juniper", "harbour", "saffron", "thistle"];

/**
 * A new account with a password (not yet enrolled in TOTP), in `org` (a slug). The password is
 * `passwordAgeDays` old, so tests can reach the warning and expiry rules.
 */
export async function createTestAccount(
  role: PortalRole,
  opts: { org?: string; passwordAgeDays?: number; displayName?: string } = {},
): Promise<TestAccount> {
  const tag = randomBytes(4).toString("hex");
  const email = `e2e-${role.replace("_", "-")}-${tag}@test.example`;
  const pick = () => WORDS[randomBytes(1)[0]! % WORDS.length];
  const password = `${pick()}-${pick()}-${pick()}-${randomBytes(2).toString("hex")}`;
  const orgSlug = opts.org ?? DEFAULT_ORG[role];
  const displayName = opts.displayName ?? `Test ${role.replace("_", " ")} ${tag}`;
  const id = randomUUID();
  const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const changedAt = new Date(Date.now() - (opts.passwordAgeDays ?? 0) * 86_400_000);
  const db = await portalDatabase();
  try {
    const org = await db.query<{ id: string }>("SELECT id FROM organisation WHERE slug = $1", [orgSlug]);
    if (!org.rows[0]) throw new Error(`no organisation ${orgSlug} in the e2e database`);
    await db.query("BEGIN");
    await db.query(`INSERT INTO app_user (id, email, display_name, role, org_id) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      email,
      displayName,
      role,
      org.rows[0].id,
    ]);
    await db.query(`INSERT INTO idp_credential (user_id, password_hash, password_changed_at) VALUES ($1, $2, $3)`, [id, passwordHash, changedAt]);
    await db.query(`INSERT INTO idp_password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)`, [id, passwordHash, changedAt]);
    await db.query("COMMIT");
  } finally {
    await db.end();
  }
  return { id, email, displayName, password, role, orgSlug, totpSecret: null, lastStep: null };
}

/** The current code for a secret; waits for the next 30-second step if this one was used. */
export async function freshCode(account: TestAccount): Promise<string> {
  const secret = base32Decode(account.totpSecret!);
  let now = new Date();
  if (account.lastStep !== null && timeStep(now) <= account.lastStep) {
    const next = Number(account.lastStep + 1n) * 30_000;
    await new Promise((r) => setTimeout(r, next - now.getTime() + 200));
    now = new Date();
  }
  account.lastStep = timeStep(now);
  return totpAt(secret, now);
}

/** From /signin to the identity provider's password page. */
export async function startSignIn(page: Page, callbackPath = "/") {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  await page.getByRole("button", { name: "Continue to sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
}

export async function enterPassword(page: Page, account: Pick<TestAccount, "email" | "password">) {
  await page.getByLabel("E-mail address").fill(account.email);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Continue" }).click();
}

/** On the enrolment page: reads the secret shown, types a code computed from it, saves it on the account. */
export async function completeEnrolment(page: Page, account: TestAccount) {
  await expect(page.getByRole("heading", { name: "Set up your authenticator app" })).toBeVisible();
  account.totpSecret = (await page.locator("#totp-secret").innerText()).replace(/\s+/g, "");
  await page.getByLabel("Code from the app").fill(await freshCode(account));
  await page.getByRole("button", { name: "Check the code and continue" }).click();
  await expect(page.getByRole("heading", { name: "Save your recovery codes" })).toBeVisible();
  await page.getByRole("button", { name: /I have saved my recovery codes/ }).click();
}

/**
 * Signs in through the real pages, enrolling on the first sign-in, and waits for the portal.
 * Pass a role for a fresh account, or an account from an earlier call to sign in again.
 */
export async function signIn(page: Page, who: PortalRole | TestAccount, opts: { org?: string; callbackPath?: string } = {}): Promise<TestAccount> {
  const account = typeof who === "string" ? await createTestAccount(who, { org: opts.org }) : who;
  await startSignIn(page, opts.callbackPath ?? "/");
  await enterPassword(page, account);
  if (account.totpSecret) {
    await expect(page.getByRole("heading", { name: "Enter the code from your authenticator app" })).toBeVisible();
    await page.getByLabel("Code").fill(await freshCode(account));
    await page.getByRole("button", { name: "Continue" }).click();
  } else {
    await completeEnrolment(page, account);
  }
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return account;
}

/** Signs out of the portal and the identity provider, ending on the "signed out" page. */
export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "You have signed out" })).toBeVisible();
}
