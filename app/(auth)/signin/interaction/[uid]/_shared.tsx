import "server-only";
import { cookies } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { ErrorSummary } from "@/components/form/error-summary";
import { loadInteraction, nextStep, refusalMessage, STEP_PATH, type PendingView, type StepName } from "@/lib/idp/interactions";

export const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The message for a refused attempt, from the query the submit handler redirected with: the
 * lock's end or the throttle's, or `failed` for every other refusal.
 */
export function refusalText(sp: Record<string, string | string[] | undefined>, failed: string): string {
  const at = (v: string | undefined) => {
    const n = Number(v);
    return Number.isFinite(n) && n > 0 ? n : null;
  };
  const locked = at(first(sp.locked));
  if (locked && locked > Date.now()) return refusalMessage({ kind: "locked", until: new Date(locked) }, failed);
  const until = at(first(sp.until));
  const scope = first(sp.throttled);
  if (until && (scope === "address" || scope === "global")) {
    return refusalMessage({ kind: "throttled", scope, retryAfterMs: Math.max(until - Date.now(), 0) }, failed);
  }
  return failed;
}

/** The Cookie header as the browser sent it: the provider checks its signed interaction cookie. */
export async function cookieHeader(): Promise<string> {
  return (await cookies())
    .getAll()
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
}

export function stepUrl(uid: string, step: StepName): string {
  return `/signin/interaction/${encodeURIComponent(uid)}${STEP_PATH[step]}`;
}

/**
 * Loads the interaction for a step page. A page for a step the user has not reached (or has
 * passed) sends them to the step they are at, so no step can be skipped by typing its URL.
 */
export async function guardStep(
  uid: string,
  allowed: readonly StepName[],
): Promise<{ ok: true; pending: PendingView | null; step: StepName } | { ok: false }> {
  const loaded = await loadInteraction(uid, await cookieHeader());
  if (!loaded.ok) return { ok: false };
  const step = await nextStep(uid, loaded.pending);
  if (step === "finish") return { ok: true, pending: loaded.pending, step: "expiry-warning" };
  if (!allowed.includes(step)) redirect(stepUrl(uid, step));
  return { ok: true, pending: loaded.pending, step };
}

export function Expired() {
  return (
    <>
      <h1>Your sign-in has timed out</h1>
      <p className="lead">For your security, a sign-in must be finished within 30 minutes, in the browser that started it.</p>
      <p>
        <Link className="button" href="/signin">
          Start signing in again
        </Link>
      </p>
    </>
  );
}

export { ErrorSummary };

/** A plain HTML form to the step handler, so every step works without JavaScript. */
export function StepForm({ uid, action, children }: { uid: string; action: string; children: ReactNode }) {
  return (
    <form method="post" action={`/signin/interaction/${encodeURIComponent(uid)}/submit`} noValidate>
      <input type="hidden" name="action" value={action} />
      {children}
    </form>
  );
}

export function CancelForm({ uid }: { uid: string }) {
  return (
    <StepForm uid={uid} action="cancel">
      <button type="submit" className="button button--secondary">
        Cancel signing in
      </button>
    </StepForm>
  );
}
