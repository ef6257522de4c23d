import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/access";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { listAccounts, type AccountRow } from "@/lib/idp/admin";
import { formatDate } from "../_ui";

export const metadata: Metadata = { title: "Accounts" };
export const dynamic = "force-dynamic";

function status(a: AccountRow): { text: string; tone: string } {
  if (!a.active) return { text: "Disabled", tone: "tag--grey" };
  if (!a.orgActive) return { text: "Organisation inactive", tone: "tag--grey" };
  if (a.locked) return { text: "Locked", tone: "tag--red" };
  if (!a.activated) return { text: "Invited", tone: "" };
  return { text: "Active", tone: "tag--green" };
}

function expiry(a: AccountRow): string {
  if (a.daysToExpiry === null) return "–";
  if (a.daysToExpiry <= 0) return "Expired";
  return `${a.daysToExpiry} days`;
}

export default async function AccountsPage() {
  const admin = await requireUser({ roles: ["administrator"] });
  const accounts = await listAccounts(admin);
  return (
    <>
      <h1>Accounts</h1>
      <p>
        <Link className="button" href="/admin/accounts/new">
          Invite a person
        </Link>
      </p>
      <table>
        <caption>{accounts.length} accounts</caption>
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
          {accounts.map((a) => {
            const s = status(a);
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
    </>
  );
}
