import type { Metadata } from "next";
import { SIGN_IN_FAILED } from "@/lib/idp/interactions";
import { CancelForm, ErrorSummary, Expired, first, guardStep, refusalText, StepForm } from "./_shared";
import { definePage, definePageMetadata } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export const generateMetadata = definePageMetadata("signin.interaction", ({ searchParams }): Metadata => ({
  title: first(searchParams.error) ? "Error: Sign in" : "Sign in",
}));

export default definePage("signin.interaction", async ({ params, searchParams }) => {
  const { uid } = params;
  const sp = searchParams;
  const error = first(sp.error);
  const guard = await guardStep(uid, ["password"]);
  if (!guard.ok) return <Expired />;
  return (
    <>
      {error && (
        <ErrorSummary
          title="There is a problem"
          items={[
            {
              href: "#email",
              text: refusalText(sp, SIGN_IN_FAILED),
            },
          ]}
        />
      )}
      <h1>Sign in</h1>
      <StepForm uid={uid} action="password">
        <div className="form-group">
          <label htmlFor="email">E-mail address</label>
          <input id="email" name="email" type="email" autoComplete="username" spellCheck={false} required aria-invalid={error ? true : undefined} />
        </div>
        <div className="form-group">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required aria-invalid={error ? true : undefined} />
        </div>
        <button type="submit" className="button">
          Continue
        </button>
      </StepForm>
      <p className="hint">
        Forgotten your password, or lost your authenticator app? Ask your organisation&apos;s administrator of the platform for a new activation link.
      </p>
      <CancelForm uid={uid} />
    </>
  );
});
