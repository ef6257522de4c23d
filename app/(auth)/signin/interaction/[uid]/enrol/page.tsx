import type { Metadata } from "next";
import QRCode from "qrcode";
import { enrolmentSecret } from "@/lib/idp/interactions";
import { groupSecret, otpauthUri } from "@/lib/idp/totp";
import { CancelForm, cookieHeader, ErrorSummary, Expired, first, guardStep, StepForm } from "../_shared";
import { definePage, definePageMetadata } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export const generateMetadata = definePageMetadata("signin.interaction.enrol", ({ searchParams }): Metadata => ({
  title: first(searchParams.error) ? "Error: Set up your authenticator app" : "Set up your authenticator app",
}));

export default definePage("signin.interaction.enrol", async ({ params, searchParams }) => {
  const { uid } = params;
  const error = first(searchParams.error);
  const guard = await guardStep(uid, ["enrol"]);
  if (!guard.ok) return <Expired />;
  const offer = await enrolmentSecret(uid, await cookieHeader());
  if (!offer) return <Expired />;
  const uri = otpauthUri({ secret: offer.secret, account: offer.email, issuer: "Essex Data Platform" });
  const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 220 });
  return (
    <>
      {error && (
        <ErrorSummary
          title="There is a problem"
          items={[{ href: "#code", text: "That code is not right. Check the app shows the Essex Data Platform, then enter the code it shows now." }]}
        />
      )}
      <h1>Set up your authenticator app</h1>
      <p className="lead">The portal asks for a code from an app on your phone each time you sign in, as well as your password.</p>
      <ol>
        <li>
          <p>Install an authenticator app if you do not have one, for example Microsoft Authenticator, Google Authenticator or FreeOTP.</p>
        </li>
        <li>
          <p>In the app, add an account and scan this QR code:</p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server, nothing to optimise */}
          <img className="qr-code" src={qr} alt="QR code for adding the Essex Data Platform to an authenticator app" width={220} height={220} />
          <p>If you cannot scan it, choose to enter a key by hand and type this secret (time-based, 6 digits):</p>
          <p>
            <code className="secret" id="totp-secret" aria-label={`Secret key: ${offer.secret.split("").join(" ")}`}>
              {groupSecret(offer.secret)}
            </code>
          </p>
          <p className="hint">Account: {offer.email}</p>
        </li>
        <li>
          <p>Enter the 6-digit code the app now shows, to check it is set up.</p>
        </li>
      </ol>
      <StepForm uid={uid} action="enrol">
        <div className="form-group">
          <label htmlFor="code">Code from the app</label>
          {error && (
            <span className="error-message" id="code-error">
              <span className="visually-hidden">Error:</span> Enter the code the app shows now
            </span>
          )}
          <input
            id="code"
            name="code"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            spellCheck={false}
            className="input--code"
            aria-describedby={error ? "code-error" : undefined}
            aria-invalid={error ? true : undefined}
            required
          />
        </div>
        <button type="submit" className="button">
          Check the code and continue
        </button>
      </StepForm>
      <CancelForm uid={uid} />
    </>
  );
});
