import type { Metadata } from "next";
import { Expired, guardStep, StepForm } from "../_shared";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Save your recovery codes" };
export const dynamic = "force-dynamic";

export default definePage("signin.interaction.recovery-codes", async ({ params }) => {
  const { uid } = params;
  const guard = await guardStep(uid, ["recovery-codes"]);
  if (!guard.ok || !guard.pending?.recoveryCodes) return <Expired />;
  return (
    <>
      <h1>Save your recovery codes</h1>
      <p className="lead">Your authenticator app is set up.</p>
      <p>
        If you lose your phone, each of these codes lets you sign in once instead of a code from the app. Print them or keep them in a password
        manager. They are shown only now.
      </p>
      <ol className="recovery-codes" aria-label="Recovery codes">
        {guard.pending.recoveryCodes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <p className="warning-text">Keep them apart from your password: anyone with both can sign in as you.</p>
      <StepForm uid={uid} action="recovery-codes">
        <button type="submit" className="button">
          I have saved my recovery codes – continue
        </button>
      </StepForm>
    </>
  );
});
