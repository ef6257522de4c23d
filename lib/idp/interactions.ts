import "server-only";
import type { Interaction } from "oidc-provider";
import { recordAudit } from "@/lib/audit/record";
import { withContext } from "@/lib/db/tenant";
import {
  authenticatePassword,
  type AttemptRefusal,
  changePassword,
  confirmEnrolment,
  decryptSecret,
  encryptSecret,
  passwordState,
  recordSuccessfulSignIn,
  verifySecondFactor,
} from "./accounts";
import type { PasswordProblem } from "./policy";
import { minutesToWait } from "./throttle";
import { ACR_MULTI_FACTOR, AMR_PASSWORD_AND_OTP, getProvider, INTERACTION_TTL_SECONDS } from "./provider";
import { newTotpSecret } from "./totp";

// The sign-in journey at the bundled provider, one step per page under
// /signin/interaction/[uid]: password, then the second factor (or enrolment on first sign-in,
// followed by the recovery codes), then a password change when one is due. Only after all of
// that is the interaction finished and the browser sent back to the portal with a code.
//
// Every function takes the request's Cookie header: oidc-provider binds an interaction to the
// browser that started it with a signed cookie, and checking it here means a stolen uid alone
// is worth nothing.

export type StepName = "password" | "code" | "enrol" | "recovery-codes" | "password-change" | "expiry-warning";

export const STEP_PATH: Record<StepName, string> = {
  password: "",
  code: "/code",
  enrol: "/enrol",
  "recovery-codes": "/recovery-codes",
  "password-change": "/password",
  "expiry-warning": "/expiry-warning",
};

const system = { kind: "system", purpose: "sign-in-interaction" } as const;

/** Generic wording for every refusal, so nothing tells whether an account exists or is locked. */
export const SIGN_IN_FAILED =
  "The e-mail address or password is not right, or this account cannot be used at the moment. After several failed attempts you must wait before trying again.";
export const CODE_FAILED =
  "That code is not right or cannot be used. Enter the current code from your authenticator app, or one of your recovery codes. After several failed attempts you must wait before trying again.";

const UK_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  hour: "2-digit",
  minute: "2-digit",
  day: "numeric",
  month: "long",
  year: "numeric",
});

/** "14:35 on 30 November 2026": when a lock ends, in the time the portal's users live in. */
export function ukTime(d: Date): string {
  const parts = Object.fromEntries(UK_TIME.formatToParts(d).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute} on ${parts.day} ${parts.month} ${parts.year}`;
}

/** What the person is told about a refused attempt. */
export function refusalMessage(refusal: AttemptRefusal, failed: string, now = new Date()): string {
  switch (refusal.kind) {
    case "failed":
      return failed;
    case "locked": {
      const left = minutesToWait(refusal.until.getTime() - now.getTime());
      return `This account is locked after too many failed attempts, until ${ukTime(refusal.until)} (UK time, in about ${left}). Try again then, or ask your organisation's administrator of the platform to unlock it.`;
    }
    case "throttled":
      return refusal.scope === "address"
        ? `Too many failed sign-in attempts have come from your network. Try again in ${minutesToWait(refusal.retryAfterMs)}.`
        : `The portal is refusing sign-in attempts for a short while because of a large number of failed attempts. Try again in ${minutesToWait(refusal.retryAfterMs)}.`;
  }
}

function nodeRequest(cookieHeader: string) {
  // interactionDetails() only reads the interaction cookie from the request; a minimal
  // IncomingMessage-shaped object carries the Cookie header the page or action received.
  return {
    headers: { cookie: cookieHeader },
    url: "/",
    method: "GET",
    socket: {},
    connection: {},
  };
}

function nodeResponse() {
  const headers = new Map<string, unknown>();
  return {
    getHeader: (n: string) => headers.get(n.toLowerCase()),
    setHeader: (n: string, v: unknown) => void headers.set(n.toLowerCase(), v),
    headersSent: false,
  };
}

export type Loaded = { ok: true; interaction: Interaction; pending: PendingView | null } | { ok: false };

export interface PendingView {
  userId: string;
  email: string;
  displayName: string;
  secondFactorDone: boolean;
  enrolled: boolean;
  enrolSecret: string | null;
  recoveryCodes: string[] | null;
  passwordChanged: boolean;
}

async function details(uid: string, cookieHeader: string): Promise<Interaction | null> {
  try {
    const provider = await getProvider();
    const interaction = await provider.interactionDetails(nodeRequest(cookieHeader), nodeResponse());
    return interaction.uid === uid ? interaction : null;
  } catch {
    // No cookie, a forged or expired one, or an interaction past its lifetime: start again.
    return null;
  }
}

async function pendingView(uid: string, now: Date): Promise<PendingView | null> {
  const p = await withContext(system, (tx) =>
    tx.idpPendingLogin.findUnique({ where: { interactionUid: uid }, include: { user: { include: { idpCredential: true } } } }),
  );
  if (!p || p.expiresAt.getTime() <= now.getTime()) return null;
  return {
    userId: p.userId,
    email: p.user.email,
    displayName: p.user.displayName,
    secondFactorDone: !!p.secondFactorAt,
    enrolled: !!p.user.idpCredential?.totpSecret,
    enrolSecret: p.enrolSecret ? decryptSecret(p.enrolSecret) : null,
    recoveryCodes: p.recoveryCodes ? (JSON.parse(decryptSecret(p.recoveryCodes)) as string[]) : null,
    passwordChanged: p.passwordChanged,
  };
}

/** The interaction (if this browser owns it and it is still live) and how far the user got. */
export async function loadInteraction(uid: string, cookieHeader: string, now = new Date()): Promise<Loaded> {
  const interaction = await details(uid, cookieHeader);
  if (!interaction) return { ok: false };
  return { ok: true, interaction, pending: await pendingView(uid, now) };
}

/** Which step comes next, or "finish" when the sign-in is complete. */
export async function nextStep(uid: string, pending: PendingView | null, now = new Date()): Promise<StepName | "finish"> {
  if (!pending) return "password";
  if (pending.recoveryCodes) return "recovery-codes";
  if (!pending.secondFactorDone) return pending.enrolled ? "code" : "enrol";
  if (pending.passwordChanged) return "finish";
  const state = await passwordState(pending.userId, now);
  if (state.mustChange || state.expired) return "password-change";
  if (state.warn) return "expiry-warning";
  return "finish";
}

export type StepResult =
  | { kind: "step"; step: StepName }
  | { kind: "redirect"; to: string }
  | { kind: "error"; message: string; problems?: PasswordProblem[]; refusal?: AttemptRefusal }
  | { kind: "expired" };

async function continueFrom(uid: string, cookieHeader: string, now: Date): Promise<StepResult> {
  const loaded = await loadInteraction(uid, cookieHeader, now);
  if (!loaded.ok) return { kind: "expired" };
  const step = await nextStep(uid, loaded.pending, now);
  if (step !== "finish") return { kind: "step", step };
  return finish(uid, cookieHeader, loaded.pending!, now);
}

async function finish(uid: string, cookieHeader: string, pending: PendingView, now: Date): Promise<StepResult> {
  const provider = await getProvider();
  const returnTo = await provider.interactionResult(
    nodeRequest(cookieHeader),
    nodeResponse(),
    {
      login: {
        accountId: pending.userId,
        acr: ACR_MULTI_FACTOR,
        amr: AMR_PASSWORD_AND_OTP,
        remember: false,
        ts: Math.floor(now.getTime() / 1000),
      },
    },
    { mergeWithLastSubmission: false },
  );
  await withContext(system, (tx) => tx.idpPendingLogin.deleteMany({ where: { interactionUid: uid } }));
  return { kind: "redirect", to: returnTo };
}

export async function submitPassword(
  uid: string,
  cookieHeader: string,
  email: string,
  password: string,
  now = new Date(),
  clientAddress = "unknown",
): Promise<StepResult> {
  if (!(await details(uid, cookieHeader))) return { kind: "expired" };
  const check = await authenticatePassword(email, password, now, clientAddress);
  if (!check.ok) return { kind: "error", message: refusalMessage(check.refusal, SIGN_IN_FAILED), refusal: check.refusal };
  await withContext(system, async (tx) => {
    await tx.idpPendingLogin.deleteMany({ where: { interactionUid: uid } });
    await tx.idpPendingLogin.create({
      data: {
        interactionUid: uid,
        userId: check.userId,
        passwordAt: now,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INTERACTION_TTL_SECONDS * 1000),
      },
    });
  });
  return continueFrom(uid, cookieHeader, now);
}

async function requirePending(uid: string, cookieHeader: string, now: Date) {
  const loaded = await loadInteraction(uid, cookieHeader, now);
  if (!loaded.ok || !loaded.pending) return null;
  return loaded.pending;
}

export async function submitCode(uid: string, cookieHeader: string, code: string, now = new Date(), clientAddress = "unknown"): Promise<StepResult> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending) return { kind: "expired" };
  if (pending.secondFactorDone || !pending.enrolled) return continueFrom(uid, cookieHeader, now);
  const check = await verifySecondFactor(pending.userId, code, now, clientAddress);
  if (!check.ok) return { kind: "error", message: refusalMessage(check.refusal, CODE_FAILED), refusal: check.refusal };
  await withContext(system, (tx) => tx.idpPendingLogin.update({ where: { interactionUid: uid }, data: { secondFactorAt: now } }));
  await recordSuccessfulSignIn(pending.userId, check.method, now);
  return continueFrom(uid, cookieHeader, now);
}

/** The secret offered for enrolment: made once per interaction so a page reload shows the same QR code. */
export async function enrolmentSecret(uid: string, cookieHeader: string, now = new Date()): Promise<{ secret: string; email: string } | null> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending || pending.enrolled || pending.secondFactorDone) return null;
  if (pending.enrolSecret) return { secret: pending.enrolSecret, email: pending.email };
  const secret = newTotpSecret();
  await withContext(system, (tx) => tx.idpPendingLogin.update({ where: { interactionUid: uid }, data: { enrolSecret: encryptSecret(secret) } }));
  return { secret, email: pending.email };
}

export async function submitEnrolment(uid: string, cookieHeader: string, code: string, now = new Date()): Promise<StepResult> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending) return { kind: "expired" };
  if (pending.enrolled || pending.secondFactorDone || !pending.enrolSecret) return continueFrom(uid, cookieHeader, now);
  const check = await confirmEnrolment(pending.userId, pending.enrolSecret, code, now);
  if (!check.ok) {
    return { kind: "error", message: "That code is not right. Check the secret was entered correctly, then enter the code your app shows now." };
  }
  await withContext(system, (tx) =>
    tx.idpPendingLogin.update({
      where: { interactionUid: uid },
      data: { secondFactorAt: now, enrolSecret: null, recoveryCodes: encryptSecret(JSON.stringify(check.recoveryCodes)) },
    }),
  );
  await recordSuccessfulSignIn(pending.userId, "totp-enrolment", now);
  return { kind: "step", step: "recovery-codes" };
}

export async function acknowledgeRecoveryCodes(uid: string, cookieHeader: string, now = new Date()): Promise<StepResult> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending) return { kind: "expired" };
  await withContext(system, (tx) => tx.idpPendingLogin.update({ where: { interactionUid: uid }, data: { recoveryCodes: null } }));
  return continueFrom(uid, cookieHeader, now);
}

export async function submitNewPassword(uid: string, cookieHeader: string, password: string, confirm: string, now = new Date()): Promise<StepResult> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending) return { kind: "expired" };
  // Never before the second factor: a password alone must not be enough to replace itself.
  if (!pending.secondFactorDone) return continueFrom(uid, cookieHeader, now);
  if (password !== confirm) {
    return { kind: "error", message: "The passwords do not match", problems: [{ code: "mismatch", message: "Enter the same new password twice" }] };
  }
  const state = await passwordState(pending.userId, now);
  const result = await changePassword(pending.userId, password, state.mustChange ? "forced" : state.expired ? "expired" : "changed", now);
  if (!result.ok) return { kind: "error", message: "Choose a different password", problems: result.problems };
  await withContext(system, (tx) => tx.idpPendingLogin.update({ where: { interactionUid: uid }, data: { passwordChanged: true } }));
  return continueFrom(uid, cookieHeader, now);
}

/** "Not now" on the expiry warning: the sign-in finishes without a change. */
export async function skipExpiryWarning(uid: string, cookieHeader: string, now = new Date()): Promise<StepResult> {
  const pending = await requirePending(uid, cookieHeader, now);
  if (!pending) return { kind: "expired" };
  const step = await nextStep(uid, pending, now);
  if (step !== "expiry-warning") return continueFrom(uid, cookieHeader, now);
  return finish(uid, cookieHeader, pending, now);
}

/** The user gave up: the relying party receives access_denied. */
export async function cancelInteraction(uid: string, cookieHeader: string): Promise<StepResult> {
  if (!(await details(uid, cookieHeader))) return { kind: "expired" };
  const provider = await getProvider();
  const to = await provider.interactionResult(nodeRequest(cookieHeader), nodeResponse(), {
    error: "access_denied",
    error_description: "The user cancelled signing in.",
  });
  await withContext(system, async (tx) => {
    await tx.idpPendingLogin.deleteMany({ where: { interactionUid: uid } });
    await recordAudit(tx, { action: "idp.sign_in_cancelled", outcome: "failure", actor: { label: "anonymous" } });
  });
  return { kind: "redirect", to };
}
