import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPortalSession, startPortalSession } from "@/lib/auth/session";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { changePassword } from "@/lib/idp/accounts";
import { accountAction, activateAccount, newActivationLink, type AdminActor } from "@/lib/idp/admin";
import { createOrganisation, createUser } from "../factories";
import { createAccount, temporaryDataDir } from "./helpers";

// Issue 9: a session opened before a password reset still answered 200 afterwards. Any new
// password, however it is set, and any second-factor reset end every session of the account.

temporaryDataDir();
afterAll(closeDatabase);

let admin: AdminActor;
beforeAll(async () => {
  const ops = await createOrganisation({ kind: "platform_operator" });
  const u = await createUser(ops.id, { role: "administrator" });
  admin = { userId: u.id, email: u.email, role: "administrator" };
});

async function openSessions(userId: string, n = 2): Promise<string[]> {
  const sids: string[] = [];
  for (let i = 0; i < n; i++) {
    sids.push(await startPortalSession({ userId, issuer: "https://idp.example", subject: userId, amr: ["pwd", "otp"] }));
  }
  for (const sid of sids) expect((await loadPortalSession(sid)).status).toBe("ok");
  return sids;
}

async function expectAllEnded(sids: string[], reason: string) {
  for (const sid of sids) expect((await loadPortalSession(sid)).status).toBe("ended");
  const rows = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.portalSession.findMany({ where: { id: { in: sids } } }));
  expect(rows.map((r) => r.endReason)).toEqual(sids.map(() => reason));
}

describe("sessions end when the credentials change", () => {
  it("a password reset through a new activation link ends the sessions opened before it", async () => {
    const { user } = await createAccount();
    const sids = await openSessions(user.id);
    const url = await newActivationLink(admin, user.id);
    const token = url.split("/activate/")[1]!;
    expect(await activateAccount(token, "lantern-quarry-velvet-58", "lantern-quarry-velvet-58")).toEqual({ ok: true });
    await expectAllEnded(sids, "password_set");
    const set = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.auditEvent.findFirst({ where: { targetId: user.id, action: "idp.password_set" }, orderBy: { id: "desc" } }),
    );
    expect(set?.details).toMatchObject({ reason: "activated", sessions_ended: 2 });
  });

  it("a password change by the user (expired or chosen) ends every session, including other devices'", async () => {
    const { user } = await createAccount();
    const sids = await openSessions(user.id, 3);
    expect(await changePassword(user.id, "harbour-thistle-pewter-71", "changed")).toEqual({ ok: true });
    await expectAllEnded(sids, "password_set");
  });

  it("a refused new password ends nothing", async () => {
    const { user } = await createAccount();
    const sids = await openSessions(user.id, 1);
    expect((await changePassword(user.id, "aaaaaaaaaaaa", "changed")).ok).toBe(false);
    expect((await loadPortalSession(sids[0]!)).status).toBe("ok");
  });

  it("a second-factor reset and a forced password change end every session", async () => {
    const { user } = await createAccount();
    const before = await openSessions(user.id);
    await accountAction(admin, user.id, "reset-second-factor");
    await expectAllEnded(before, "second_factor_reset");
    const again = await openSessions(user.id);
    await accountAction(admin, user.id, "force-password-change");
    await expectAllEnded(again, "password_change_forced");
  });
});
