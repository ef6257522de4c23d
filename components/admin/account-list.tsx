import Link from "next/link";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { ACCOUNT_FILTERS, accountState, matchesFilter, type AccountFilter } from "@/lib/idp/account-status";
import type { AccountRow } from "@/lib/idp/admin";

function formatDate(d: Date | null): string {
  if (!d) return "Never";
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });
}

function expiry(a: AccountRow): string {
  if (a.daysToExpiry === null) return "–";
  if (a.daysToExpiry <= 0) return "Expired";
  return `${a.daysToExpiry} days`;
}

/** The accounts table with its state filter (a plain GET form, so it works without JavaScript). */
export function AccountList({ accounts, filter, badFilter }: { accounts: AccountRow[]; filter: AccountFilter; badFilter?: boolean }) {
  const shown = accounts.filter((a) => matchesFilter(a, filter));
  const lockedCount = accounts.filter((a) => a.locked).length;
  return (
    <>
      {badFilter && (
        <div className="warning-text" role="status">
          That filter is not one this page offers, so every account is shown.
        </div>
      )}
      {lockedCount > 0 && filter !== "locked" && (
        <p>
          <strong>
            {lockedCount} account{lockedCount === 1 ? " is" : "s are"} locked after failed sign-in attempts.
          </strong>{" "}
          <Link href="/admin/accounts?status=locked">Show locked accounts</Link>
        </p>
      )}
      <form method="get" action="/admin/accounts" className="filters">
        <div className="form-group">
          <label htmlFor="status">Show</label>
          <select id="status" name="status" defaultValue={filter}>
            {Object.entries(ACCOUNT_FILTERS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--secondary">
          Apply
        </button>
      </form>
      {shown.length === 0 ? (
        <div className="panel">
          <h2>No {filter === "all" ? "" : `${ACCOUNT_FILTERS[filter].toLowerCase()} `}accounts</h2>
          <p>
            <Link href="/admin/accounts">Show all accounts</Link>
          </p>
        </div>
      ) : (
        <table>
          <caption>
            {filter === "all"
              ? `${accounts.length} accounts`
              : `${shown.length} of ${accounts.length} accounts: ${ACCOUNT_FILTERS[filter].toLowerCase()}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">Name and e-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Organisation</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Two-factor</th>
              <th scope="col" className="num">
                Password age
              </th>
              <th scope="col" className="num">
                Expires in
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => {
              const s = accountState(a);
              return (
                <tr key={a.id}>
                  <td>
                    <Link href={`/admin/accounts/${a.id}`}>{a.displayName}</Link>
                    <br />
                    <span className="hint">{a.email}</span>
                  </td>
                  <td>{ROLE_LABELS[a.role]}</td>
                  <td>{a.orgName}</td>
                  <td>
                    <span className={`tag ${s.tone}`}>{s.text}</span>
                    {a.locked && s.key !== "locked" && (
                      <>
                        <br />
                        <span className="tag tag--red">Locked</span>
                      </>
                    )}
                    {a.lockedUntil && (
                      <>
                        <br />
                        <span className="hint">until {formatDate(a.lockedUntil)}</span>
                      </>
                    )}
                    {a.mustChangePassword && (
                      <>
                        <br />
                        <span className="hint">Must change password</span>
                      </>
                    )}
                  </td>
                  <td>{formatDate(a.lastSignInAt)}</td>
                  <td>{a.twoFactor ? "Set up" : "Not set up"}</td>
                  <td className="num">{a.passwordAgeDays === null ? "–" : `${a.passwordAgeDays} days`}</td>
                  <td className="num">{expiry(a)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
