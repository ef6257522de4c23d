import type { Metadata } from "next";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { PROVIDER_ID, usesBundledProvider } from "@/lib/auth/config";
import { csrfCookieName, readCsrfCookie } from "@/lib/auth/next-auth-cookies";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default definePage("signin", async ({ searchParams, currentActor }) => {
  const sp = searchParams;
  const callbackUrl = safeCallbackPath(first(sp.callbackUrl));
  const reason = first(sp.reason);
  if (await currentActor()) redirect(callbackUrl);

  const token = readCsrfCookie((await cookies()).get(csrfCookieName())?.value);
  if (!token) {
    if (first(sp.prepared) !== "1") {
      const q = new URLSearchParams({ callbackUrl });
      if (reason) q.set("reason", reason);
      if (first(sp.activated) === "1") q.set("activated", "1");
      redirect(`/api/auth/prepare?${q.toString()}`);
    }
    return (
      <>
        <h1>Sign in</h1>
        <div className="notice-error" role="alert">
          <h2>Cookies are needed to sign in</h2>
          <p>
            Your browser did not keep the cookie the sign-in uses to protect you. Allow cookies for this site, then{" "}
            <a href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>try again</a>.
          </p>
        </div>
      </>
    );
  }

  const bundled = usesBundledProvider();
  return (
    <>
      <h1>Sign in</h1>
      {first(sp.activated) === "1" && (
        <div className="notice-success" role="status">
          <h2>Your account is active</h2>
          <p>Sign in with your e-mail address and new password. You will then set up your authenticator app.</p>
        </div>
      )}
      {reason === "expired" && (
        <div className="notice-error" role="alert">
          <h2>You have been signed out</h2>
          <p>For your security a session ends after 30 minutes without activity, and always after 12 hours. Sign in again to carry on.</p>
        </div>
      )}
      {reason === "disabled" && (
        <div className="notice-error" role="alert">
          <h2>Your session has ended</h2>
          <p>Your account or organisation can no longer use the portal. Ask your administrator if you think this is wrong.</p>
        </div>
      )}
      <p className="lead">
        {bundled
          ? "You sign in with your e-mail address, your password and a code from your authenticator app."
          : "You sign in with your organisation's account. The portal needs two-factor authentication."}
      </p>
      {bundled && (
        <div className="inset">
          <p>
            The first time you sign in you will set up an authenticator app (for example Microsoft Authenticator, Google Authenticator or FreeOTP):
            you scan a QR code, or type in the secret shown beside it.
          </p>
        </div>
      )}
      <form method="post" action={`/api/auth/signin/${PROVIDER_ID}`}>
        <input type="hidden" name="csrfToken" value={token} />
        <input type="hidden" name="callbackUrl" value={callbackUrl} />
        <button type="submit" className="button">
          Continue to sign in
        </button>
      </form>
    </>
  );
});
