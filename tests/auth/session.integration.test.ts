import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { unitContextFor } from "@/lib/auth/access";
import { ABSOLUTE_TIMEOUT_MS, endPortalSession, IDLE_TIMEOUT_MS, loadPortalSession, startPortalSession } from "@/lib/auth/session";
import { decideSignIn, hasTwoFactorEvidence } from "@/lib/auth/sign-in";
import { createOrganisation, createUser } from "../factories";

afterAll(closeDatabase);

const MIN = 60_000;

async function session(at: Date) {
  const org = await createOrganisation();
  const user = await createUser(org.id, { role: "researcher" });
  const sid = await startPortalSession({ userId: user.id, issuer: "https://idp.example", subject: user.id, amr: ["pwd", "otp"], now: at });
  return { org, user, sid };
}

describe("portal sessions", () => {
  it("stay alive while used, and end after 30 minutes idle", async () => {
    const t0 = new Date();
    const { sid, user } = await session(t0);
    let t = t0;
    // Activity every 25 minutes keeps it going past the idle limit several times over.
    for (let i = 0; i < 4; i++) {
      t = new Date(t.getTime() + 25 * MIN);
      const r = await loadPortalSession(sid, t);
      expect(r.status).toBe("ok");
      if (r.status === "ok") expect(r.user.userId).toBe(user.id);
    }
    expect((await loadPortalSession(sid, new Date(t.getTime() + IDLE_TIMEOUT_MS + 1000))).status).toBe("expired");
    expect((await loadPortalSession(sid, new Date(t.getTime() + IDLE_TIMEOUT_MS + 2000))).status).toBe("ended");
  });

  it("end 12 hours after sign-in however active", async () => {
    const t0 = new Date();
    const { sid } = await session(t0);
    for (let t = t0.getTime() + 20 * MIN; t < t0.getTime() + ABSOLUTE_TIMEOUT_MS; t += 20 * MIN) {
      expect((await loadPortalSession(sid, new Date(t))).status).toBe("ok");
    }
    expect((await loadPortalSession(sid, new Date(t0.getTime() + ABSOLUTE_TIMEOUT_MS + 1000))).status).toBe("expired");
  });

  it("end at sign-out, and when the account or its organisation is disabled", async () => {
    const a = await session(new Date());
    await endPortalSession(a.sid);
    expect((await loadPortalSession(a.sid)).status).toBe("ended");

    const b = await session(new Date());
    await withContext({ kind: "system", purpose: "test" }, (tx) => tx.organisation.update({ where: { id: b.org.id }, data: { active: false } }));
    expect((await loadPortalSession(b.sid)).status).toBe("disabled");

    const events = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.auditEvent.findMany({ where: { targetId: { in: [a.sid, b.sid] } }, orderBy: { id: "asc" } }),
    );
    expect(events.map((e) => e.action)).toEqual(["auth.sign_in", "auth.sign_out", "auth.sign_in", "auth.session_ended"]);
  });

  it("refuse ids that are not session ids without touching the database", async () => {
    expect((await loadPortalSession("not-a-uuid")).status).toBe("unknown");
    expect((await loadPortalSession("00000000-0000-4000-8000-000000000000")).status).toBe("unknown");
  });
});

describe("two-factor evidence in the ID token", () => {
  it("accepts amr otp or mfa", () => {
    expect(hasTwoFactorEvidence({ amr: ["pwd", "otp"] }, [])).toBe(true);
    expect(hasTwoFactorEvidence({ amr: ["mfa"] }, [])).toBe(true);
    expect(hasTwoFactorEvidence({ amr: ["pwd"] }, [])).toBe(false);
    expect(hasTwoFactorEvidence({}, [])).toBe(false);
  });

  it("accepts an acr meeting OIDC_REQUIRED_ACR: listed values, or a numeric minimum", () => {
    expect(hasTwoFactorEvidence({ amr: ["pwd"], acr: "urn:council:loa:high" }, ["urn:council:loa:high"])).toBe(true);
    expect(hasTwoFactorEvidence({ amr: ["pwd"], acr: "urn:council:loa:low" }, ["urn:council:loa:high"])).toBe(false);
    expect(hasTwoFactorEvidence({ acr: "2" }, ["2"])).toBe(true);
    expect(hasTwoFactorEvidence({ acr: "3" }, ["2"])).toBe(true);
    expect(hasTwoFactorEvidence({ acr: "1" }, ["2"])).toBe(false);
    // Without OIDC_REQUIRED_ACR an acr proves nothing.
    expect(hasTwoFactorEvidence({ acr: "2" }, [])).toBe(false);
  });
});

describe("mapping ID tokens to portal accounts", () => {
  it("maps the bundled provider's sub to the account id, and refuses without a second factor", async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const mfa = { sub: user.id, amr: ["pwd", "otp"] };
    expect(await decideSignIn(mfa, { bundled: true, requiredAcr: [] })).toEqual({ ok: true, userId: user.id });
    expect(await decideSignIn({ ...mfa, amr: ["pwd"] }, { bundled: true, requiredAcr: [] })).toEqual({
      ok: false,
      page: "/signin/refused?reason=second-factor",
    });
  });

  it("maps an external issuer's sub only through a recorded subject; unknown users are not registered", async () => {
    const org = await createOrganisation();
    const user = await createUser(org.id);
    const ext = `kc-${user.id.slice(0, 8)}`;
    expect(await decideSignIn({ sub: ext, amr: ["otp"] }, { bundled: false, requiredAcr: [] })).toEqual({
      ok: false,
      page: "/signin/not-registered",
    });
    // The bundled-provider rule (sub = account id) does not apply to an external issuer.
    expect(await decideSignIn({ sub: user.id, amr: ["otp"] }, { bundled: false, requiredAcr: [] })).toEqual({
      ok: false,
      page: "/signin/not-registered",
    });
    await withContext({ kind: "system", purpose: "test" }, (tx) => tx.user.update({ where: { id: user.id }, data: { externalSubject: ext } }));
    expect(await decideSignIn({ sub: ext, acr: "2" }, { bundled: false, requiredAcr: ["2"] })).toEqual({ ok: true, userId: user.id });
    await withContext({ kind: "system", purpose: "test" }, (tx) => tx.user.update({ where: { id: user.id }, data: { active: false } }));
    expect(await decideSignIn({ sub: ext, acr: "2" }, { bundled: false, requiredAcr: ["2"] })).toEqual({
      ok: false,
      page: "/signin/refused?reason=disabled",
    });
  });
});

describe("unitContextFor", () => {
  it("maps each role to its database context", () => {
    const base = { userId: "u", orgId: "o" };
    expect(unitContextFor({ ...base, role: "partner_analyst" })).toEqual({ kind: "org", orgId: "o", userId: "u", requestId: undefined });
    expect(unitContextFor({ ...base, role: "researcher" })).toEqual({ kind: "researcher", userId: "u", requestId: undefined });
    expect(unitContextFor({ ...base, role: "approver" })).toEqual({ kind: "researcher", userId: "u", requestId: undefined });
    expect(unitContextFor({ ...base, role: "administrator" })).toEqual({ kind: "admin", userId: "u", requestId: undefined });
  });
});
