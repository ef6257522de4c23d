import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "You cannot sign in" };

export default definePage("signin.refused", async ({ searchParams }) => {
  const reason = searchParams.reason;
  if (reason === "disabled") {
    return (
      <>
        <h1>Your account cannot be used</h1>
        <p className="lead">Your account, or your organisation&apos;s access to the platform, has been switched off.</p>
        <p>If you think this is wrong, contact the Essex Data Platform administrators.</p>
      </>
    );
  }
  return (
    <>
      <h1>Two-factor authentication is needed</h1>
      <p className="lead">
        You signed in with a password only. The Essex Data Platform holds partner data, so the information-sharing agreement requires a second factor
        – such as a code from an authenticator app – every time.
      </p>
      <p>
        Sign in again and complete the second step your organisation&apos;s sign-in offers. If it offers none, ask your IT service to turn on
        two-factor authentication for your account.
      </p>
      <p>
        <Link className="button" href="/signin">
          Sign in again
        </Link>
      </p>
    </>
  );
});
