import type { Metadata } from "next";
import { CancelForm, ErrorSummary, Expired, first, guardStep, refusalText, StepForm } from "../_shared";
import { definePage, definePageMetadata } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export const generateMetadata = definePageMetadata("signin.interaction.code", ({ searchParams }): Metadata => ({
  title: first(searchParams.error) ? "Error: Enter your code" : "Enter your code",
}));

export default definePage("signin.interaction.code", async ({ params, searchParams }) => {
  const { uid } = params;
  const sp = searchParams;
  const error = first(sp.error);
  const guard = await guardStep(uid, ["code"]);
  if (!guard.ok) return <Expired />;
  return (
    <>
      {error && (
        <ErrorSummary
          title="There is a problem"
          items={[
            {
              href: "#code",
              text: refusalText(sp, "That code is not right or cannot be used. Enter the code your app shows now; each code works once."),
            },
          ]}
        />
      )}
      <h1>Enter the code from your authenticator app</h1>
      <StepForm uid={uid} action="code">
        <div className="form-group">
          <label htmlFor="code">Code</label>
          <span className="hint" id="code-hint">
            The 6-digit code your app shows for the Essex Data Platform. If you have lost your phone, enter one of your recovery codes instead.
          </span>
          {error && (
            <span className="error-message" id="code-error">
              <span className="visually-hidden">Error:</span> Enter the current code
            </span>
          )}
          <input
            id="code"
            name="code"
            type="text"
            inputMode="text"
            autoComplete="one-time-code"
            spellCheck={false}
            className="input--code"
            aria-describedby={error ? "code-hint code-error" : "code-hint"}
            aria-invalid={error ? true : undefined}
            required
          />
        </div>
        <button type="submit" className="button">
          Continue
        </button>
      </StepForm>
      <CancelForm uid={uid} />
    </>
  );
});
