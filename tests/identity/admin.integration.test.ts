import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPortalSession, startPortalSession } from "@/lib/auth/session";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { authenticatePassword, passwordState } from "@/lib/idp/accounts";
import {
  accountAction,
  activateAccount,
  AdminInputError,
  createAccount,
  findActivation,
  getAccount,
  setOrganisationActive,
  updatePolicy,
  type AdminActor,
} from "@/lib/idp/admin";
import { DEFAULT_POLICY } from "@/lib/idp/policy";
import { createOrganisation, createSupplierOrganisation, createUser } from "../factories";
import { createAccount as createTestAccount, temporaryDataDir } from "./helpers";

temporaryDataDir();
afterAll(closeDatabase);

let admin: AdminActor;
beforeAll(async () => {
  const ops = await createOrganisation({ kind: "platform_operator" });
  const u = await createUser(ops.id, { role: "administrator" });
  admin = { userId: u.id, email: u.email, role: "administrator" };
});

const audit = (targetId: string) =>
  withContext({ kind: "system", purpose: "test" }, (tx) => tx.auditEvent.findMany({ where: { targetId }, orderBy: { id: "asc" } }));

describe("inviting an account", () => {
  it("creates it with a one-time activation link; the password set there must meet the policy", async () => {
    const org = await createSupplierOrganisation();
    const email = `Invitee-${Date.now()}@Partner.example`;
    const { userId, activationUrl } = await createAccount(admin, {
      email,
      displayName: "Ivy Invitee",
      role: "partner_analyst",
      orgId: org.id,
      externalSubject: "",
    });
    const token = activationUrl.split("/activate/")[1]!;
    expect(await findActivation(token)).toEqual({ email: email.toLowerCase(), displayName: "Ivy Invitee" });

    expect(await activateAccount(token, "short", "short")).toMatchObject({ ok: false, problems: [{ code: "too_short" }] });
    expect(await activateAccount(token, "velvet-ember-orbit-72", "velvet-ember-orbit-73")).toMatchObject({
      ok: false,
      problems: [{ code: "mismatch" }],
    });
    expect(await activateAccount(token, "velvet-ember-orbit-72", "velvet-ember-orbit-72")).toEqual({ ok: true });
    expect(await activateAccount(token, "velvet-ember-orbit-72", "velvet-ember-orbit-72")).toEqual({ ok: false, expired: true });
    expect(await findActivation(token)).toBeNull();

    expect(await authenticatePassword(email, "velvet-ember-orbit-72")).toEqual({ ok: true, userId });
    const row = await getAccount(admin, userId);
    expect(row).toMatchObject({ activated: true, twoFactor: false, role: "partner_analyst", passwordAgeDays: 0, daysToExpiry: 180 });
    expect((await audit(userId)).map((e) => e.action)).toEqual(["admin.account_created", "idp.password_set"]);
  });

  it("refuses duplicates and bad input, field by field", async () => {
    const org = await createSupplierOrganisation();
    const existing = await createUser(org.id);
    await expect(createAccount(admin, { email: existing.email, displayName: "X", role: "researcher", orgId: org.id })).rejects.toMatchObject({
      fields: { email: "An account with this e-mail address already exists" },
    });
    const err = await createAccount(admin, { email: "not-an-email", displayName: "", role: "wizard", orgId: "x" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminInputError);
    expect(Object.keys((err as AdminInputError).fields).sort()).toEqual(["displayName", "email", "orgId", "role"]);
  });

  it("is for administrators only", async () => {
    const org = await createOrganisation();
    await expect(
      createAccount({ ...admin, role: "researcher" }, { email: "a@b.example", displayName: "A", role: "researcher", orgId: org.id }),
    ).rejects.toThrow(/administrators only/);
  });
});

describe("account actions", () => {
  it("unlock, reset the second factor, force a password change and disable, each audited, ending sessions where it matters", async () => {
    const { user, password } = await createTestAccount();
    const sid = await startPortalSession({ userId: user.id, issuer: "test", subject: user.id });
    await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.idpCredential.update({ where: { userId: user.id }, data: { failedAttempts: 7, lockedUntil: new Date(Date.now() + 3_600_000) } }),
    );
    expect(await authenticatePassword(user.email, password)).toMatchObject({ ok: false, refusal: { kind: "locked" } });
    await accountAction(admin, user.id, "unlock");
    expect(await authenticatePassword(user.email, password)).toEqual({ ok: true, userId: user.id });
    expect((await loadPortalSession(sid)).status).toBe("ok");

    await accountAction(admin, user.id, "reset-second-factor");
    expect(await getAccount(admin, user.id)).toMatchObject({ twoFactor: false });
    expect((await loadPortalSession(sid)).status).toBe("ended");
    const codes = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.idpRecoveryCode.count({ where: { userId: user.id } }));
    expect(codes).toBe(0);

    await accountAction(admin, user.id, "force-password-change");
    expect(await passwordState(user.id)).toMatchObject({ mustChange: true });

    await accountAction(admin, user.id, "disable");
    expect(await authenticatePassword(user.email, password)).toEqual({ ok: false, refusal: { kind: "failed" } });
    await accountAction(admin, user.id, "enable");
    expect(await authenticatePassword(user.email, password)).toEqual({ ok: true, userId: user.id });

    const actions = (await audit(user.id)).filter((e) => e.action.startsWith("admin.")).map((e) => e.action);
    expect(actions).toEqual([
      "admin.account_unlock",
      "admin.account_reset_second_factor",
      "admin.account_force_password_change",
      "admin.account_disable",
      "admin.account_enable",
    ]);
  });

  it("deactivating an organisation stops its users signing in and ends their sessions", async () => {
    const { user, org, password } = await createTestAccount();
    const sid = await startPortalSession({ userId: user.id, issuer: "test", subject: user.id });
    await setOrganisationActive(admin, org.id, false);
    expect((await loadPortalSession(sid)).status).toBe("ended");
    expect(await authenticatePassword(user.email, password)).toEqual({ ok: false, refusal: { kind: "failed" } });
    await setOrganisationActive(admin, org.id, true);
    expect(await authenticatePassword(user.email, password)).toEqual({ ok: true, userId: user.id });
  });
});

describe("password policy settings", () => {
  it("are validated and audited", async () => {
    await expect(updatePolicy(admin, { ...DEFAULT_POLICY, minLength: 8 })).rejects.toMatchObject({ fields: { minLength: "must be 12 or more" } });
    const saved = await updatePolicy(admin, { ...DEFAULT_POLICY, minLength: "14" });
    expect(saved.minLength).toBe(14);
    await updatePolicy(admin, DEFAULT_POLICY);
    const events = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.auditEvent.findMany({ where: { action: "admin.password_policy_updated", actorUserId: admin.userId } }),
    );
    expect(events.length).toBe(2);
    expect(events[0]!.details).toMatchObject({ minLength_from: 12, minLength_to: 14 });
  });
});

describe("identity tables under row-level security", () => {
  it("hide credentials from a partner's own context and from researchers", async () => {
    const { user, org } = await createTestAccount();
    for (const ctx of [{ kind: "org", orgId: org.id } as const, { kind: "researcher", userId: user.id } as const]) {
      const seen = await withContextClient(ctx, async (c) => ({
        credentials: (await c.query("SELECT count(*)::int AS n FROM idp_credential")).rows[0].n,
        sessions: (await c.query("SELECT count(*)::int AS n FROM portal_session")).rows[0].n,
        store: (await c.query("SELECT count(*)::int AS n FROM idp_store")).rows[0].n,
        keys: (await c.query("SELECT count(*)::int AS n FROM idp_signing_key")).rows[0].n,
      }));
      expect(seen).toEqual({ credentials: 0, sessions: 0, store: 0, keys: 0 });
    }
  });
});
