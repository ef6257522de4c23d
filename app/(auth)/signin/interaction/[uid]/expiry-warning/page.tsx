import type { Metadata } from "next";
import Link from "next/link";
import { passwordState } from "@/lib/idp/accounts";
import { Expired, guardStep, stepUrl, StepForm } from "../_shared";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Your password expires soon" };
export const dynamic = "force-dynamic";

export default definePage("signin.interaction.expiry-warning", async ({ params }) => {
  const { uid } = params;
  const guard = await guardStep(uid, ["expiry-warning"]);
  if (!guard.ok || !guard.pending) return <Expired />;
  const state = await passwordState(guard.pending.userId);
  const days = state.daysToExpiry ?? 0;
  return (
    <>
      <h1>
        Your password expires in {days} {days === 1 ? "day" : "days"}
      </h1>
      <p className="lead">Passwords must be changed every 180 days. After it expires you must choose a new one before you can use the portal.</p>
      <div className="button-group">
        <Link className="button" href={stepUrl(uid, "password-change")}>
          Change it now
        </Link>
        <StepForm uid={uid} action="skip-expiry-warning">
          <button type="submit" className="button button--secondary">
            Not now – continue
          </button>
        </StepForm>
      </div>
    </>
  );
});
