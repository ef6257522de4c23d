import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { setPassword, verifySecondFactor } from "@/lib/idp/accounts";
import {
  acknowledgeRecoveryCodes,
  CODE_FAILED,
  enrolmentSecret,
  refusalMessage,
  SIGN_IN_FAILED,
  skipExpiryWarning,
  submitCode,
  submitEnrolment,
  submitNewPassword,
  submitPassword,
} from "@/lib/idp/interactions";
import { base32Decode, totpAt } from "@/lib/idp/totp";
import { beginSignIn, createAccount, startTestIdp, TEST_PASSWORD, temporaryDataDir, type TestIdp } from "./helpers";

temporaryDataDir();

const CLIENT = { id: "rules-rp", secret: "rules-rp-secret-0123456789abcdef", redirectUri: "http://127.0.0.1:9/cb" };
const MIN = 60_000;
const DAY = 86_400_000;

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp(CLIENT);
});
afterAll(async () => {
  await idp?.close();
  await closeDatabase();
});

const begin = () => beginSignIn(idp, CLIENT);
const code = (secret: string, at: Date) => totpAt(base32Decode(secret), at);

describe("second factor", () => {
  it("accepts a TOTP code once: replaying it in a new sign-in fails, the next code works", async () => {
    const { user, password, secret } = await createAccount();
    const now = new Date();
    const first = await begin();
    await submitPassword(first.uid, first.cookie, user.email, password, now);
    expect((await submitCode(first.uid, first.cookie, code(secret!, now), now)).kind).toBe("redirect");

    const second = await begin();
    await submitPassword(second.uid, second.cookie, user.email, password, now);
    expect(await submitCode(second.uid, second.cookie, code(secret!, now), now)).toEqual({
      kind: "error",
      message: CODE_FAILED,
      refusal: { kind: "failed" },
    });
    const later = new Date(now.getTime() + 30_000);
    expect((await submitCode(second.uid, second.cookie, code(secret!, later), later)).kind).toBe("redirect");
  });

  it("enrols on first sign-in: QR secret, a confirming code, then ten single-use recovery codes", async () => {
    const { user, password } = await createAccount({ enrol: false });
    const now = new Date();
    const flow = await begin();
    expect(await submitPassword(flow.uid, flow.cookie, user.email, password, now)).toEqual({ kind: "step", step: "enrol" });
    const offered = await enrolmentSecret(flow.uid, flow.cookie, now);
    expect(offered?.secret).toMatch(/^[A-Z2-7]{32}$/);
    // A reload shows the same secret, so a half-scanned QR code stays valid.
    expect((await enrolmentSecret(flow.uid, flow.cookie, now))?.secret).toBe(offered!.secret);
    expect((await submitEnrolment(flow.uid, flow.cookie, "000000", now)).kind).toBe("error");
    expect(await submitEnrolment(flow.uid, flow.cookie, code(offered!.secret, now), now)).toEqual({ kind: "step", step: "recovery-codes" });

    const stored = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.idpRecoveryCode.findMany({ where: { userId: user.id } }));
    expect(stored).toHaveLength(10);
    expect(stored.every((r) => /^[0-9a-f]{64}$/.test(r.codeHash))).toBe(true);
    const pending = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.idpPendingLogin.findUnique({ where: { interactionUid: flow.uid } }),
    );
    expect(pending?.recoveryCodes).toMatch(/^v1\./);
    expect((await acknowledgeRecoveryCodes(flow.uid, flow.cookie, now)).kind).toBe("redirect");
  });

  it("takes a recovery code once, instead of a TOTP code", async () => {
    const { user, password } = await createAccount({ enrol: false });
    const now = new Date();
    const flow = await begin();
    await submitPassword(flow.uid, flow.cookie, user.email, password, now);
    const offered = await enrolmentSecret(flow.uid, flow.cookie, now);
    await submitEnrolment(flow.uid, flow.cookie, code(offered!.secret, now), now);
    const pending = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.idpPendingLogin.findUniqueOrThrow({ where: { interactionUid: flow.uid } }),
    );
    const { decryptSecret } = await import("@/lib/idp/crypto");
    const codes = JSON.parse(decryptSecret(pending.recoveryCodes!)) as string[];
    expect(await verifySecondFactor(user.id, codes[3]!.toUpperCase(), now)).toEqual({ ok: true, method: "recovery" });
    expect(await verifySecondFactor(user.id, codes[3]!, now)).toEqual({ ok: false, refusal: { kind: "failed" } });
  });
});

describe("brute-force lockout", () => {
  it("locks after 5 wrong passwords for a growing wait, and says so with the time it opens again", async () => {
    const { user, password } = await createAccount();
    const t0 = new Date();
    const flow = await begin();
    const failed = { kind: "error", message: SIGN_IN_FAILED, refusal: { kind: "failed" } };
    for (let i = 0; i < 4; i++) {
      expect(await submitPassword(flow.uid, flow.cookie, user.email, `wrong-password-${i}-xyz`, t0)).toEqual(failed);
    }
    // The fifth failure locks the account, and the answer says until when (issue 9: a locked
    // account used to get the same words as a wrong password, with no time).
    const until = new Date(t0.getTime() + 5 * MIN);
    const locked = await submitPassword(flow.uid, flow.cookie, user.email, "wrong-password-4-xyz", t0);
    expect(locked).toEqual({
      kind: "error",
      message: refusalMessage({ kind: "locked", until }, SIGN_IN_FAILED, t0),
      refusal: { kind: "locked", until },
    });
    expect((locked as { message: string }).message).toMatch(
      /^This account is locked after too many failed attempts, until \d\d:\d\d on \d+ \w+ \d{4} \(UK time, in about 5 minutes\)\. Try again then, or ask your organisation's administrator/,
    );
    // While locked even the right password is refused, with the same time.
    expect(await submitPassword(flow.uid, flow.cookie, user.email, password, new Date(t0.getTime() + 4 * MIN))).toMatchObject({
      refusal: { kind: "locked", until },
    });
    // An unknown address still gets the one message that says nothing about accounts.
    expect(await submitPassword(flow.uid, flow.cookie, "nobody-at-all@nowhere.example", password, t0)).toEqual(failed);
    // Five minutes on, it may be tried again; one more failure locks for twice as long.
    const t1 = new Date(t0.getTime() + 5 * MIN + 1000);
    expect(await submitPassword(flow.uid, flow.cookie, user.email, "still-the-wrong-one-123", t1)).toMatchObject({
      refusal: { kind: "locked", until: new Date(t1.getTime() + 10 * MIN) },
    });
    expect((await submitPassword(flow.uid, flow.cookie, user.email, password, new Date(t1.getTime() + 9 * MIN))).kind).toBe("error");
    const t2 = new Date(t1.getTime() + 10 * MIN + 1000);
    expect(await submitPassword(flow.uid, flow.cookie, user.email, password, t2)).toEqual({ kind: "step", step: "code" });
    const cred = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.idpCredential.findUniqueOrThrow({ where: { userId: user.id } }));
    expect(cred.failedAttempts).toBe(6);
  });

  it("counts wrong codes too, refuses even the right code while locked, and resets after success", async () => {
    const { user, password, secret } = await createAccount();
    const t0 = new Date();
    const flow = await begin();
    await submitPassword(flow.uid, flow.cookie, user.email, password, t0);
    for (let i = 0; i < 5; i++) {
      expect((await submitCode(flow.uid, flow.cookie, String(100000 + i), t0)).kind).toBe("error");
    }
    expect(await submitCode(flow.uid, flow.cookie, code(secret!, t0), t0)).toMatchObject({
      kind: "error",
      refusal: { kind: "locked", until: new Date(t0.getTime() + 5 * MIN) },
    });
    const t1 = new Date(t0.getTime() + 5 * MIN + 1000);
    expect((await submitCode(flow.uid, flow.cookie, code(secret!, t1), t1)).kind).toBe("redirect");
    const cred = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.idpCredential.findUniqueOrThrow({ where: { userId: user.id } }));
    expect(cred).toMatchObject({ failedAttempts: 0, lockedUntil: null });
  });

  it("records failures and refusals in the audit trail without saying which in the UI", async () => {
    const { user } = await createAccount();
    const flow = await begin();
    await submitPassword(flow.uid, flow.cookie, user.email, "definitely-not-it-999", new Date());
    const events = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.auditEvent.findMany({ where: { targetId: user.id, action: "idp.sign_in_failed" } }),
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toMatchObject({ factor: "password", consecutive_failures: 1 });
  });
});

describe("password expiry", () => {
  it("forces a change after 180 days before the sign-in can finish, refusing the last 5 passwords", async () => {
    const now = new Date();
    const { user, secret } = await createAccount({ at: new Date(now.getTime() - 300 * DAY) });
    // Four changes since make, with the current one, five remembered passwords.
    const history = ["amber-quarry-lantern-11", "amber-quarry-lantern-22", "amber-quarry-lantern-33", "amber-quarry-lantern-44"];
    for (const [i, pw] of history.entries()) {
      const r = await withContext({ kind: "system", purpose: "test" }, (tx) =>
        setPassword(tx, user.id, pw, { now: new Date(now.getTime() - (250 - 10 * i) * DAY), reason: "changed" }),
      );
      expect(r.ok).toBe(true);
    }
    const current = "amber-quarry-lantern-55";
    await withContext({ kind: "system", purpose: "test" }, (tx) =>
      setPassword(tx, user.id, current, { now: new Date(now.getTime() - 181 * DAY), reason: "changed" }),
    );

    const flow = await begin();
    expect(await submitPassword(flow.uid, flow.cookie, user.email, current, now)).toEqual({ kind: "step", step: "code" });
    expect(await submitCode(flow.uid, flow.cookie, code(secret!, now), now)).toEqual({ kind: "step", step: "password-change" });

    for (const reused of [current, history[0]!, history[3]!]) {
      const r = await submitNewPassword(flow.uid, flow.cookie, reused, reused, now);
      expect(r.kind).toBe("error");
      expect((r as { problems: { code: string }[] }).problems.map((p) => p.code)).toContain("reused");
    }
    // The oldest, TEST_PASSWORD, is now sixth back: allowed again.
    expect((await submitNewPassword(flow.uid, flow.cookie, TEST_PASSWORD, TEST_PASSWORD, now)).kind).toBe("redirect");
  });

  it("does not accept a password change before the second factor", async () => {
    const now = new Date();
    const { user, password } = await createAccount({ at: new Date(now.getTime() - 200 * DAY) });
    const flow = await begin();
    await submitPassword(flow.uid, flow.cookie, user.email, password, now);
    expect(await submitNewPassword(flow.uid, flow.cookie, "fresh-meadow-kettle-42", "fresh-meadow-kettle-42", now)).toEqual({
      kind: "step",
      step: "code",
    });
  });

  it("warns in the last 14 days and lets the user carry on", async () => {
    const now = new Date();
    const { user, password, secret } = await createAccount({ at: new Date(now.getTime() - 170 * DAY) });
    const flow = await begin();
    await submitPassword(flow.uid, flow.cookie, user.email, password, now);
    expect(await submitCode(flow.uid, flow.cookie, code(secret!, now), now)).toEqual({ kind: "step", step: "expiry-warning" });
    expect((await skipExpiryWarning(flow.uid, flow.cookie, now)).kind).toBe("redirect");
  });
});
