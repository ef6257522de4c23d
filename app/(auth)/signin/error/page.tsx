import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Sign-in did not complete" };

// next-auth sends every failure of the OpenID Connect exchange here (pages.error). The codes
// are next-auth's; none of them is worth showing verbatim.
export default definePage("signin.error", async ({ searchParams }) => {
  const error = searchParams.error;
  const cancelled = error === "OAuthCallback" || error === "access_denied" || error === "AccessDenied";
  return (
    <>
      <h1>{cancelled ? "You did not finish signing in" : "Sign-in did not complete"}</h1>
      <p className="lead">
        {cancelled
          ? "The sign-in was cancelled or could not be confirmed, so you are not signed in."
          : "Something went wrong between the portal and the sign-in service, so you are not signed in."}
      </p>
      <p>This can happen when a sign-in page was left open too long, or after using the browser&apos;s back button.</p>
      <p>
        <Link className="button" href="/signin">
          Try signing in again
        </Link>
      </p>
    </>
  );
});
