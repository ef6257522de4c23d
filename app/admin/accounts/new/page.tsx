import type { Metadata } from "next";
import { listOrganisations } from "@/lib/idp/admin";
import { BackLink } from "../../_ui";
import { AccountForm } from "../_account-form";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Invite a person" };
export const dynamic = "force-dynamic";

export default definePage("admin.accounts.new", async ({ actor: admin }) => {
  const orgs = (await listOrganisations(admin)).filter((o) => o.active);
  return (
    <>
      <BackLink href="/admin/accounts">Back to accounts</BackLink>
      <h1>Invite a person</h1>
      <p className="lead">
        The person gets a one-time activation link to choose a password. At their first sign-in they set up an authenticator app.
      </p>
      <AccountForm orgs={orgs.map(({ id, name, active }) => ({ id, name, active }))} values={{}} />
    </>
  );
});
