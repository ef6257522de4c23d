import type { Metadata } from "next";
import { CancelForm, ErrorSummary, Expired, first, guardStep, StepForm, type Params, type Search } from "./_shared";

export const dynamic = "force-dynamic";

export async function generateMetadata({ searchParams }: { searchParams: Search }): Promise<Metadata> {
  return { title: first((await searchParams).error) ? "Error: Sign in" : "Sign in" };
}

export default async function PasswordStep({ params, searchParams }: { params: Params; searchParams: Search }) {
  const { uid } = await params;
  const error = first((await searchParams).error);
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
              text: "The e-mail address or password is not right, or this account cannot be used at the moment. After several failed attempts you must wait before trying again.",
            },
          ]}
        />
      )}
      <h1>Sign in</h1>
      <StepForm uid={uid} action="password">
        <div className="form-group">
          <label htmlFor="email">E-mail address</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            spellCheck={false}
            required
            aria-invalid={error ? true : undefined}
          />
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
        Forgotten your password, or lost your authenticator app? Ask your organisation&apos;s administrator of the
        platform for a new activation link.
      </p>
      <CancelForm uid={uid} />
    </>
  );
}
