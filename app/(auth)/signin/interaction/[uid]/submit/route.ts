import {
  acknowledgeRecoveryCodes,
  cancelInteraction,
  skipExpiryWarning,
  STEP_PATH,
  submitCode,
  submitEnrolment,
  submitNewPassword,
  submitPassword,
  type StepName,
  type StepResult,
} from "@/lib/idp/interactions";
import { publicUrl } from "@/lib/auth/config";
import { defineHandler } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";

export const dynamic = "force-dynamic";

const ERROR_STEP: Record<string, StepName> = {
  password: "password",
  code: "code",
  enrol: "enrol",
  "password-change": "password-change",
};

function see(location: string): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}

// Every step of the sign-in posts here as a plain HTML form. The answer is always a 303: to the
// next step's page, back to the same page with the error named in the query, or on to the
// identity provider once the sign-in is complete. A full page load each time keeps the
// provider's redirects out of the client-side router.
export const POST = defineHandler("signin.interaction.submit", async ({ req, params, log }) => {
  const { uid } = params;
  const base = `${publicUrl()}/signin/interaction/${encodeURIComponent(uid)}`;
  const origin = req.headers.get("origin");
  if (origin && origin !== new URL(publicUrl()).origin) return see(`${base}?expired=1`);
  const cookie = req.headers.get("cookie") ?? "";
  // Set by the portal's Node server from the connection (lib/server/request-listener.ts).
  const client = req.headers.get("x-portal-client-address") ?? "unknown";
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return see(base);
  }
  const field = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const action = field("action");
  let result: StepResult;
  try {
    switch (action) {
      case "password":
        result = await submitPassword(uid, cookie, field("email"), field("password"), new Date(), client);
        break;
      case "code":
        result = await submitCode(uid, cookie, field("code"), new Date(), client);
        break;
      case "enrol":
        result = await submitEnrolment(uid, cookie, field("code"));
        break;
      case "recovery-codes":
        result = await acknowledgeRecoveryCodes(uid, cookie);
        break;
      case "password-change":
        result = await submitNewPassword(uid, cookie, field("password"), field("confirm"));
        break;
      case "skip-expiry-warning":
        result = await skipExpiryWarning(uid, cookie);
        break;
      case "cancel":
        result = await cancelInteraction(uid, cookie);
        break;
      default:
        return see(base);
    }
  } catch (e) {
    log.error(errFields(e), "sign-in step failed");
    result = { kind: "expired" };
  }
  switch (result.kind) {
    case "step":
      return see(`${base}${STEP_PATH[result.step]}`);
    case "redirect":
      return see(result.to);
    case "expired":
      return see(base);
    case "error": {
      const step = ERROR_STEP[action] ?? "password";
      const q = new URLSearchParams({ error: "1" });
      // The page says why: locked until when, or how long to wait (absolute times, so a reload
      // shows what is left).
      if (result.refusal?.kind === "locked") q.set("locked", String(result.refusal.until.getTime()));
      if (result.refusal?.kind === "throttled") {
        q.set("throttled", result.refusal.scope);
        q.set("until", String(Date.now() + result.refusal.retryAfterMs));
      }
      if (result.problems?.length) q.set("problems", result.problems.map((p) => p.code).join(","));
      return see(`${base}${STEP_PATH[step]}?${q.toString()}`);
    }
  }
});
