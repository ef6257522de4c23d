import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { endSessionsOfUser } from "@/lib/auth/session";
import { withContext, type Tx } from "@/lib/db/tenant";
import { decryptSecret, encryptSecret, sha256 } from "./crypto";
import { isLocked, lockDurationMs } from "./lockout";
import { signInThrottle, type SignInThrottle } from "./throttle";
import { hashPassword, verifyPassword } from "./passwords";
import { checkPassword, loadPolicy, passwordAge, type PasswordProblem } from "./policy";
import { base32Decode, verifyTotp } from "./totp";

const system = { kind: "system", purpose: "identity-provider" } as const;

export const RECOVERY_CODE_COUNT = 10;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function actorOf(user: { id: string; email: string; role: string }) {
  return { userId: user.id, label: user.email, role: user.role };
}

/**
 * Counts a failed attempt and locks the account once the policy's threshold is reached. Runs in
 * its own transaction so the count survives whatever the caller does next.
 */
async function registerFailure(userId: string, kind: "password" | "code", now: Date): Promise<Date | null> {
  return withContext(system, async (tx) => {
    const policy = await loadPolicy(tx);
    const cred = await tx.idpCredential.update({
      where: { userId },
      data: { failedAttempts: { increment: 1 }, lastFailedAt: now, updatedAt: now },
      include: { user: true },
    });
    const lockMs = lockDurationMs(cred.failedAttempts, policy.lockoutThreshold);
    const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
    if (lockedUntil) await tx.idpCredential.update({ where: { userId }, data: { lockedUntil } });
    await recordAudit(tx, {
      action: "idp.sign_in_failed",
      outcome: "failure",
      actor: actorOf(cred.user),
      orgId: cred.user.orgId,
      target: { type: "user", id: userId },
      details: { factor: kind, consecutive_failures: cred.failedAttempts, locked_for_seconds: lockMs / 1000 },
    });
    return lockedUntil;
  });
}

/**
 * A failed attempt on an e-mail address no account has. Recorded (without the address) in a
 * transaction like a known account's failure, so that both take the same time.
 */
async function registerUnknownFailure(now: Date): Promise<void> {
  await withContext(system, async (tx) => {
    await loadPolicy(tx);
    await recordAudit(tx, {
      action: "idp.sign_in_failed",
      outcome: "failure",
      actor: { label: "unknown account" },
      details: { factor: "password", at: now.toISOString() },
    });
  });
}

/** A refused sign-in is recorded with its real reason, which the user is never told. */
async function recordRefusal(user: { id: string; email: string; role: string; orgId: string }, details: Record<string, string>) {
  await withContext(system, (tx) =>
    recordAudit(tx, {
      action: "idp.sign_in_refused",
      outcome: "denied",
      actor: actorOf(user),
      orgId: user.orgId,
      target: { type: "user", id: user.id },
      details,
    }),
  );
}

const recordLockedAttempt = (user: { id: string; email: string; role: string; orgId: string }, factor: string) =>
  recordRefusal(user, { reason: "locked", factor });

/**
 * Why an attempt was refused, as far as the person may be told: too many failures from their
 * address or overall (with the time to wait), their account locked (with the time it opens
 * again), or otherwise one message for every other reason.
 */
export type AttemptRefusal =
  { kind: "failed" } | { kind: "throttled"; scope: "address" | "global"; retryAfterMs: number } | { kind: "locked"; until: Date };

export type PasswordCheck = { ok: true; userId: string } | { ok: false; refusal: AttemptRefusal };

const FAILED = { ok: false, refusal: { kind: "failed" } } as const;

/**
 * First factor. Refused outright while the client address (or everyone) has failed too often.
 * Otherwise every failure but a lock looks the same to the caller (unknown account, wrong
 * password, disabled, not yet activated) and costs the same time: the password is hashed
 * against a dummy when there is no account, and the failure is recorded either way.
 */
export async function authenticatePassword(
  email: string,
  password: string,
  now = new Date(),
  clientAddress = "unknown",
  throttle: SignInThrottle = signInThrottle(),
): Promise<PasswordCheck> {
  const gate = await throttle.check("password", clientAddress);
  if (!gate.ok) return { ok: false, refusal: { kind: "throttled", scope: gate.scope, retryAfterMs: gate.retryAfterMs } };
  const user = await withContext(system, (tx) =>
    tx.user.findFirst({
      where: { email: { equals: normaliseEmail(email), mode: "insensitive" } },
      include: { organisation: true, idpCredential: true },
    }),
  );
  const cred = user?.idpCredential;
  const matches = await verifyPassword(cred?.passwordHash, password);
  if (!user || !cred?.passwordHash) {
    await Promise.all([registerUnknownFailure(now), throttle.fail("password", clientAddress)]);
    return FAILED;
  }
  if (isLocked(cred.lockedUntil, now)) {
    await recordLockedAttempt(user, "password");
    if (!matches) await throttle.fail("password", clientAddress);
    return { ok: false, refusal: { kind: "locked", until: cred.lockedUntil! } };
  }
  if (!matches) {
    const [lockedUntil] = await Promise.all([registerFailure(user.id, "password", now), throttle.fail("password", clientAddress)]);
    return lockedUntil ? { ok: false, refusal: { kind: "locked", until: lockedUntil } } : FAILED;
  }
  if (!user.active || !user.organisation.active) {
    await recordRefusal(user, { reason: user.active ? "organisation_inactive" : "account_disabled" });
    return FAILED;
  }
  return { ok: true, userId: user.id };
}

function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function looksLikeRecoveryCode(code: string): boolean {
  return normaliseRecoveryCode(code).length === 10 && /[a-z]/.test(normaliseRecoveryCode(code));
}

export type CodeCheck = { ok: true; method: "totp" | "recovery" } | { ok: false; refusal: AttemptRefusal };

/** Second factor: the current TOTP code (each accepted once) or an unused recovery code. */
export async function verifySecondFactor(
  userId: string,
  code: string,
  now = new Date(),
  clientAddress = "unknown",
  throttle: SignInThrottle = signInThrottle(),
): Promise<CodeCheck> {
  const gate = await throttle.check("code", clientAddress);
  if (!gate.ok) return { ok: false, refusal: { kind: "throttled", scope: gate.scope, retryAfterMs: gate.retryAfterMs } };
  const cred = await withContext(system, (tx) => tx.idpCredential.findUnique({ where: { userId }, include: { user: true } }));
  if (!cred?.totpSecret) return FAILED;
  if (isLocked(cred.lockedUntil, now)) {
    await recordLockedAttempt(cred.user, "code");
    return { ok: false, refusal: { kind: "locked", until: cred.lockedUntil! } };
  }
  const failed = async (): Promise<CodeCheck> => {
    const [lockedUntil] = await Promise.all([registerFailure(userId, "code", now), throttle.fail("code", clientAddress)]);
    return lockedUntil ? { ok: false, refusal: { kind: "locked", until: lockedUntil } } : FAILED;
  };
  if (looksLikeRecoveryCode(code)) {
    const used = await withContext(system, async (tx) => {
      const hit = await tx.idpRecoveryCode.findFirst({
        where: { userId, usedAt: null, codeHash: sha256(normaliseRecoveryCode(code)) },
      });
      if (!hit) return false;
      const res = await tx.idpRecoveryCode.updateMany({ where: { id: hit.id, usedAt: null }, data: { usedAt: now } });
      if (res.count !== 1) return false;
      const left = await tx.idpRecoveryCode.count({ where: { userId, usedAt: null } });
      await recordAudit(tx, {
        action: "idp.recovery_code_used",
        outcome: "success",
        actor: actorOf(cred.user),
        orgId: cred.user.orgId,
        target: { type: "user", id: userId },
        details: { remaining: left },
      });
      return true;
    });
    if (used) return { ok: true, method: "recovery" };
    return failed();
  }
  const check = verifyTotp(base32Decode(decryptSecret(cred.totpSecret)), code, now, cred.totpLastStep);
  if (check.ok) {
    // Conditional on the stored step, so two requests racing with one code cannot both pass.
    const claimed = await withContext(system, (tx) =>
      tx.idpCredential.updateMany({
        where: { userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: check.step } }] },
        data: { totpLastStep: check.step, updatedAt: now },
      }),
    );
    if (claimed.count === 1) return { ok: true, method: "totp" };
  }
  return failed();
}

/** A fresh set of single-use recovery codes ("abcde-fghij"); only their SHA-256 is kept. */
export async function replaceRecoveryCodes(tx: Tx, userId: string, now = new Date()): Promise<string[]> {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = randomBytes(10);
    const raw = [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await tx.idpRecoveryCode.deleteMany({ where: { userId } });
  await tx.idpRecoveryCode.createMany({
    data: codes.map((c) => ({ userId, codeHash: sha256(normaliseRecoveryCode(c)), createdAt: now })),
  });
  return codes;
}

export type EnrolmentCheck = { ok: true; recoveryCodes: string[] } | { ok: false };

/** Completes TOTP enrolment when `code` matches the secret being set up. */
export async function confirmEnrolment(userId: string, secret: string, code: string, now = new Date()): Promise<EnrolmentCheck> {
  const cred = await withContext(system, (tx) => tx.idpCredential.findUnique({ where: { userId }, include: { user: true } }));
  if (!cred) return { ok: false };
  if (isLocked(cred.lockedUntil, now)) {
    await recordLockedAttempt(cred.user, "enrolment");
    return { ok: false };
  }
  const check = verifyTotp(base32Decode(secret), code, now, null);
  if (!check.ok) {
    await registerFailure(userId, "code", now);
    return { ok: false };
  }
  const recoveryCodes = await withContext(system, async (tx) => {
    await tx.idpCredential.update({
      where: { userId },
      data: { totpSecret: encryptSecret(secret), totpEnrolledAt: now, totpLastStep: check.step, updatedAt: now },
    });
    const codes = await replaceRecoveryCodes(tx, userId, now);
    await recordAudit(tx, {
      action: "idp.second_factor_enrolled",
      outcome: "success",
      actor: actorOf(cred.user),
      orgId: cred.user.orgId,
      target: { type: "user", id: userId },
      details: { method: "totp", recovery_codes: codes.length },
    });
    return codes;
  });
  return { ok: true, recoveryCodes };
}

/** Both factors passed: the failure count starts again. */
export async function recordSuccessfulSignIn(userId: string, method: string, now = new Date()): Promise<void> {
  await withContext(system, async (tx) => {
    const cred = await tx.idpCredential.update({
      where: { userId },
      data: { failedAttempts: 0, lockedUntil: null, updatedAt: now },
      include: { user: true },
    });
    await recordAudit(tx, {
      action: "idp.sign_in",
      outcome: "success",
      actor: actorOf(cred.user),
      orgId: cred.user.orgId,
      target: { type: "user", id: userId },
      details: { second_factor: method },
    });
  });
}

export interface PasswordState {
  mustChange: boolean;
  expired: boolean;
  warn: boolean;
  daysToExpiry: number | null;
}

export async function passwordState(userId: string, now = new Date()): Promise<PasswordState> {
  return withContext(system, async (tx) => {
    const cred = await tx.idpCredential.findUnique({ where: { userId } });
    const age = passwordAge(await loadPolicy(tx), cred?.passwordChangedAt ?? null, now);
    return { mustChange: !!cred?.mustChangePassword, expired: age.expired, warn: age.warn, daysToExpiry: age.daysToExpiry };
  });
}

export type PasswordChange = { ok: true } | { ok: false; problems: PasswordProblem[] };

/**
 * Sets a new password after checking the policy, including the last N passwords (argon2
 * hashes, so each is verified in turn). `tx` must be a system-context transaction.
 */
export async function setPassword(
  tx: Tx,
  userId: string,
  password: string,
  opts: {
    now?: Date;
    reason: "changed" | "expired" | "forced" | "activated";
    actor?: { userId?: string | null; label: string; role?: string | null };
  },
): Promise<PasswordChange> {
  const now = opts.now ?? new Date();
  const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, include: { idpCredential: true, organisation: true } });
  const policy = await loadPolicy(tx);
  // Every partner's name, not only the user's own: "Basildon2024!" is as guessable for a
  // researcher at the university as for an analyst at the council.
  const organisations = await tx.organisation.findMany({ select: { name: true, slug: true } });
  const problems = checkPassword(policy, password, {
    email: user.email,
    displayName: user.displayName,
    orgName: user.organisation.name,
    otherNames: organisations.flatMap((o) => [o.name, o.slug]),
  });
  if (problems.length === 0 && policy.historyCount > 0) {
    const history = await tx.idpPasswordHistory.findMany({
      where: { userId },
      orderBy: { createdAt: "desc" },
      take: policy.historyCount,
    });
    for (const h of history) {
      if (await verifyPassword(h.passwordHash, password)) {
        problems.push({ code: "reused", message: `Your password must differ from your last ${policy.historyCount} passwords` });
        break;
      }
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const passwordHash = await hashPassword(password);
  await tx.idpCredential.upsert({
    where: { userId },
    create: { userId, passwordHash, passwordChangedAt: now, mustChangePassword: false, updatedAt: now },
    update: { passwordHash, passwordChangedAt: now, mustChangePassword: false, updatedAt: now },
  });
  await tx.idpPasswordHistory.create({ data: { userId, passwordHash, createdAt: now } });
  // A new password is often the answer to a suspected compromise: whoever held a session
  // opened with the old one loses it, in the same transaction as the change.
  const sessionsEnded = await endSessionsOfUser(tx, userId, "password_set", now);
  await recordAudit(tx, {
    action: "idp.password_set",
    outcome: "success",
    actor: opts.actor ?? actorOf(user),
    orgId: user.orgId,
    target: { type: "user", id: userId },
    details: { reason: opts.reason, sessions_ended: sessionsEnded },
  });
  return { ok: true };
}

export async function changePassword(userId: string, password: string, reason: "changed" | "expired" | "forced", now = new Date()) {
  return withContext(system, (tx) => setPassword(tx, userId, password, { now, reason }));
}

export { decryptSecret, encryptSecret };
