import type { Metadata } from "next";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Not registered" };

export default definePage("signin.not-registered", async () => {
  return (
    <>
      <h1>You are not registered to use the portal</h1>
      <p className="lead">
        Your organisation&apos;s sign-in worked, but no Essex Data Platform account is linked to it, so the portal gives no access.
      </p>
      <p>
        Access is limited to named staff of the partner organisations. Ask the Essex Data Platform administrators to create an account for you; they
        will need the user identifier your organisation&apos;s sign-in service gives you.
      </p>
    </>
  );
});
