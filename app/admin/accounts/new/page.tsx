import type { Metadata } from "next";
import { listOrganisations } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { BackLink, Notices } from "../../_ui";
import { createAccountAction } from "../../actions";
import { ACCOUNT_LABELS, AccountFields } from "../_account-fields";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Invite a person" };
export const dynamic = "force-dynamic";

export default definePage("admin.accounts.new", async ({ actor: admin, searchParams }) => {
  const flash = await readFlash(searchParams.f);
  const orgs = (await listOrganisations(admin)).filter((o) => o.active);
  return (
    <>
      <BackLink href="/admin/accounts">Back to accounts</BackLink>
      <Notices flash={flash} labels={ACCOUNT_LABELS} />
      <h1>Invite a person</h1>
      <p className="lead">
        The person gets a one-time activation link to choose a password. At their first sign-in they set up an
        authenticator app.
      </p>
      <form action={createAccountAction} noValidate>
        <AccountFields flash={flash} orgs={orgs} values={{}} />
        <button type="submit" className="button">
          Create the account
        </button>
      </form>
    </>
  );
});
