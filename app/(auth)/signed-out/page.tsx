import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Signed out" };

export default definePage("signed-out", async ({ searchParams }) => {
  const provider = searchParams.provider;
  return (
    <>
      <h1>You have signed out</h1>
      <p className="lead">Your portal session has ended.</p>
      {provider === "unreachable" && (
        <div className="inset">
          <p>The sign-in service could not be reached to end its own session. If you are on a shared computer, close the browser.</p>
        </div>
      )}
      {provider === "kept" && (
        <div className="inset">
          <p>Your organisation&apos;s sign-in service may keep you signed in there. If you are on a shared computer, close the browser.</p>
        </div>
      )}
      <p>
        <Link className="button" href="/signin">
          Sign in again
        </Link>
      </p>
    </>
  );
});
