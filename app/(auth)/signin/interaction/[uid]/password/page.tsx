import type { Metadata } from "next";
import { passwordState } from "@/lib/idp/accounts";
import { currentPolicy, describePolicy, problemMessage } from "@/lib/idp/policy";
import { ErrorSummary, Expired, first, guardStep, StepForm } from "../_shared";
import { definePage, definePageMetadata } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export const generateMetadata = definePageMetadata("signin.interaction.password", ({ searchParams }): Metadata => ({
  title: first(searchParams.problems) ? "Error: Choose a new password" : "Choose a new password",
}));

export default definePage("signin.interaction.password", async ({ params, searchParams }) => {
  const { uid } = params;
  const codes = (first(searchParams.problems) ?? "").split(",").filter(Boolean);
  const guard = await guardStep(uid, ["password-change", "expiry-warning"]);
  if (!guard.ok || !guard.pending) return <Expired />;
  const [policy, state] = await Promise.all([currentPolicy(), passwordState(guard.pending.userId)]);
  const problems = codes.map((c) => problemMessage(policy, c)).filter((m): m is string => !!m);
  return (
    <>
      {problems.length > 0 && <ErrorSummary title="There is a problem" items={problems.map((text) => ({ href: "#password", text }))} />}
      <h1>Choose a new password</h1>
      {state.mustChange ? (
        <p className="lead">Your administrator has asked you to choose a new password before you carry on.</p>
      ) : state.expired ? (
        <p className="lead">
          Your password is more than {policy.maxAgeDays} days old. Choose a new one before you carry on: the portal cannot be used until you do.
        </p>
      ) : (
        <p className="lead">Your password expires in {state.daysToExpiry} days. Choose a new one now.</p>
      )}
      <StepForm uid={uid} action="password-change">
        <div className="form-group">
          <label htmlFor="password">New password</label>
          <div className="hint" id="password-hint">
            Your password must be:
            <ul>
              {describePolicy(policy).map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </div>
          {problems.map((p) => (
            <span className="error-message" key={p}>
              <span className="visually-hidden">Error:</span> {p}
            </span>
          ))}
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="new-password"
            aria-describedby="password-hint"
            aria-invalid={problems.length ? true : undefined}
            required
          />
        </div>
        <div className="form-group">
          <label htmlFor="confirm">Type the new password again</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
        </div>
        <button type="submit" className="button">
          Save the new password and continue
        </button>
      </StepForm>
    </>
  );
});
