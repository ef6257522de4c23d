import Link from "next/link";
import { currentUser, type PortalUser } from "@/lib/auth/access";
import { ROLE_HOME, ROLE_LABELS } from "@/lib/auth/roles";
import { passwordExpiryNotice } from "@/lib/idp/expiry-notice";

export const dynamic = "force-dynamic";

async function SignedInHome({ user }: { user: PortalUser }) {
  const start = ROLE_HOME[user.role];
  const expiry = await passwordExpiryNotice(user.userId).catch(() => null);
  return (
    <>
      <span className="caption">
        {ROLE_LABELS[user.role]}, {user.orgName}
      </span>
      <h1>Welcome, {user.displayName}</h1>
      {expiry && (
        <div className="warning-text" role="status">
          {expiry.daysLeft <= 0
            ? "Your password has expired: you will be asked to change it the next time you sign in."
            : `Your password expires in ${expiry.daysLeft} ${expiry.daysLeft === 1 ? "day" : "days"}. The next time you sign in you can change it straight away.`}
        </div>
      )}
      <p className="lead">
        <Link href={start.href}>{start.label}</Link>
      </p>
      {user.role === "partner_analyst" && (
        <p>Upload your organisation&apos;s pseudonymised extracts and read their validation reports and match rates.</p>
      )}
      {(user.role === "researcher" || user.role === "approver") && (
        <p>Browse the linked, disclosure-controlled dashboards. Figures based on 5 or fewer cases are never shown.</p>
      )}
      {user.role === "approver" && <p>Outputs waiting for your approval are listed with the dashboards.</p>}
      {user.role === "administrator" && (
        <ul>
          <li>
            <Link href="/admin/accounts">Accounts</Link>: invite, disable, unlock, reset second factors
          </li>
          <li>
            <Link href="/admin/organisations">Organisations</Link>
          </li>
          <li>
            <Link href="/admin/password-policy">Password policy</Link>
          </li>
        </ul>
      )}
    </>
  );
}

export default async function HomePage() {
  const user = await currentUser().catch(() => null);
  if (user) return <SignedInHome user={user} />;
  return (
    <>
      <h1>Essex Data Platform</h1>
      <p className="lead">
        Partners share pseudonymised extracts here; the platform links them on pseudonymised household and person keys,
        and researchers study school readiness in Vange ward through disclosure-controlled dashboards.
      </p>
      <ul className="cards">
        <li>
          <h2>Partner analysts</h2>
          <p>Upload your organisation&apos;s pseudonymised extracts, see validation reports and match rates.</p>
        </li>
        <li>
          <h2>Researchers</h2>
          <p>Browse linked, aggregated school-readiness dashboards. Small numbers are never shown.</p>
        </li>
        <li>
          <h2>Administrators</h2>
          <p>Manage partner organisations, accounts, two-factor authentication and the audit log.</p>
        </li>
      </ul>
      <p>
        <Link className="button" href="/signin">
          Sign in
        </Link>
      </p>
    </>
  );
}
