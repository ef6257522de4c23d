import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { getAccount, listOrganisations } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { BackLink, formatDate, Notices } from "../../_ui";
import { accountActionAction, activationLinkAction } from "../../actions";
import { ACCOUNT_LABELS } from "../_account-fields";
import { AccountForm } from "../_account-form";
import { AccountConfirmStep } from "@/components/admin/account-confirm";
import { ConfirmButton } from "@/components/form/confirm";
import { confirmParam } from "@/lib/admin-confirm";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Account" };
export const dynamic = "force-dynamic";

export default definePage("admin.account", async ({ actor: admin, params, searchParams }) => {
  const { id } = params;
  const account = await getAccount(admin, id);
  if (!account) notFound();
  const sp = searchParams;
  const flash = await readFlash(sp.f);
  const confirm = confirmParam(sp.confirm);
  const orgs = await listOrganisations(admin);
  const self = account.id === admin.userId;
  return (
    <>
      <BackLink href="/admin/accounts">Back to accounts</BackLink>
      <Notices flash={flash} labels={ACCOUNT_LABELS} />
      <span className="caption">{account.email}</span>
      <h1>{account.displayName}</h1>
      <dl className="summary-list">
        <dt>Role</dt>
        <dd>{ROLE_LABELS[account.role]}</dd>
        <dt>Organisation</dt>
        <dd>
          {account.orgName}
          {account.orgActive ? "" : " (inactive)"}
        </dd>
        <dt>Account</dt>
        <dd>{account.active ? (account.activated ? "Active" : "Invited, not yet activated") : "Disabled"}</dd>
        <dt>Last sign-in</dt>
        <dd>{formatDate(account.lastSignInAt)}</dd>
        <dt>Two-factor authentication</dt>
        <dd>{account.twoFactor ? "Authenticator app set up" : "Not set up: the next sign-in sets it up"}</dd>
        <dt>Password</dt>
        <dd>
          {account.passwordAgeDays === null
            ? "Not set"
            : `${account.passwordAgeDays} days old; ${account.daysToExpiry ? `expires in ${account.daysToExpiry} days` : "expired"}`}
          {account.mustChangePassword ? "; must be changed at the next sign-in" : ""}
        </dd>
        <dt>Sign-in attempts</dt>
        <dd>{account.locked ? `Locked after failed attempts, until ${formatDate(account.lockedUntil)}` : "Not locked"}</dd>
      </dl>

      {confirm && !(confirm === "disable" && (self || !account.active)) && (
        <AccountConfirmStep account={account} what={confirm} action={accountActionAction.bind(null, account.id, confirm)} />
      )}
      <h2>Actions</h2>
      <ul className="actions-list">
        {account.locked && (
          <li>
            <form action={accountActionAction.bind(null, account.id, "unlock")}>
              <button type="submit" className="button">
                Unlock the account
              </button>
            </form>
          </li>
        )}
        <li>
          <span className="hint">For a lost phone: the next sign-in sets up a new authenticator app.</span>
          <p>
            <ConfirmButton href={`/admin/accounts/${account.id}?confirm=reset-second-factor`}>Reset two-factor authentication</ConfirmButton>
          </p>
        </li>
        <li>
          <span className="hint">Ends the person&apos;s sessions; the next sign-in asks for a new password.</span>
          <p>
            <ConfirmButton href={`/admin/accounts/${account.id}?confirm=force-password-change`}>Force a password change</ConfirmButton>
          </p>
        </li>
        <li>
          <span className="hint">For a forgotten password or an invitation that expired. Earlier links stop working.</span>
          <form action={activationLinkAction.bind(null, account.id)}>
            <button type="submit" className="button button--secondary">
              Make a new activation link
            </button>
          </form>
        </li>
        {!self && (
          <li>
            {account.active ? (
              <p>
                <ConfirmButton href={`/admin/accounts/${account.id}?confirm=disable`}>Disable the account</ConfirmButton>
              </p>
            ) : (
              <form action={accountActionAction.bind(null, account.id, "enable")}>
                <button type="submit" className="button">
                  Enable the account
                </button>
              </form>
            )}
          </li>
        )}
      </ul>

      <h2>Details</h2>
      <AccountForm
        accountId={account.id}
        orgs={orgs.map(({ id, name, active }) => ({ id, name, active }))}
        values={{
          email: account.email,
          displayName: account.displayName,
          role: account.role,
          orgId: account.orgId,
          externalSubject: account.externalSubject,
        }}
      />
    </>
  );
});
