import Link from "next/link";
import { redirect } from "next/navigation";
import { ROLE_HOME } from "@/lib/auth/roles";
import { definePage } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export default definePage("home", async ({ currentActor }) => {
  const user = await currentActor().catch(() => null);
  // Signing in returns here by default: each role goes straight to its main page.
  if (user) redirect(ROLE_HOME[user.role].href);
  return (
    <>
      <h1>Essex Data Platform</h1>
      <p className="lead">
        Partners share pseudonymised extracts here; the platform links them on pseudonymised household and person keys, and researchers study school
        readiness in Vange ward through disclosure-controlled dashboards.
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
          <h2>Approvers</h2>
          <p>Review what researchers ask to publish, beside the platform&apos;s disclosure check, and approve, refuse or return it.</p>
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
      <p>
        Everything approved for publication is listed, with the hash of each file, in the <Link href="/releases">register of releases</Link>.
      </p>
    </>
  );
});
