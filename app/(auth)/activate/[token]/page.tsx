import type { Metadata } from "next";
import { findActivation } from "@/lib/idp/admin";
import { currentPolicy, describePolicy, problemMessage } from "@/lib/idp/policy";
import { activate } from "./actions";
import { definePage } from "@/lib/http/adapter";
import { ErrorSummary } from "@/components/form/error-summary";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Activate your account", referrer: "no-referrer" };

export default definePage("activate", async ({ params, searchParams }) => {
  const { token } = params;
  const raw = searchParams.problems;
  const codes = ((Array.isArray(raw) ? raw[0] : raw) ?? "").split(",").filter(Boolean);
  const account = await findActivation(token);
  if (!account) {
    return (
      <>
        <h1>This activation link cannot be used</h1>
        <p className="lead">It has already been used, has expired (links last 7 days), or was replaced by a newer one.</p>
        <p>Ask the Essex Data Platform administrators for a new link.</p>
      </>
    );
  }
  const policy = await currentPolicy();
  const problems = codes.map((c) => problemMessage(policy, c)).filter((m): m is string => !!m);
  return (
    <>
      <ErrorSummary items={problems.map((text) => ({ href: "#password", text }))} />
      <h1>Activate your account</h1>
      <p className="lead">
        Welcome, {account.displayName}. Choose a password for <strong>{account.email}</strong>. When you first sign in you will also set up an
        authenticator app.
      </p>
      <form action={activate.bind(null, token)}>
        <input type="text" name="username" autoComplete="username" defaultValue={account.email} hidden readOnly />
        <div className="form-group">
          <label htmlFor="password">Password</label>
          <div className="hint" id="password-hint">
            Your password must be:
            <ul>
              {describePolicy(policy).map((d) => (
                <li key={d}>{d}</li>
              ))}
            </ul>
          </div>
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
          <label htmlFor="confirm">Type the password again</label>
          <input id="confirm" name="confirm" type="password" autoComplete="new-password" required />
        </div>
        <button type="submit" className="button">
          Activate my account
        </button>
      </form>
    </>
  );
});
