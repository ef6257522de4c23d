import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { listOrganisations } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { BackLink, Notices } from "../../_ui";
import { setOrganisationActiveAction } from "../../actions";
import { RenameOrganisationForm } from "../_organisation-forms";
import { ConfirmButton, ConfirmStep } from "@/components/form/confirm";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Organisation" };
export const dynamic = "force-dynamic";

export default definePage("admin.organisation", async ({ actor: admin, params, searchParams }) => {
  const { id } = params;
  const org = (await listOrganisations(admin)).find((o) => o.id === id);
  if (!org) notFound();
  const sp = searchParams;
  const flash = await readFlash(sp.f);
  return (
    <>
      <BackLink href="/admin/organisations">Back to organisations</BackLink>
      <Notices flash={flash} labels={{ name: "Name", form: "Organisation" }} />
      <h1>{org.name}</h1>
      {org.active && sp.confirm === "deactivate" && (
        <ConfirmStep
          title={`Are you sure you want to deactivate ${org.name}?`}
          consequence={`Its ${org.accounts} account${org.accounts === 1 ? "" : "s"} will no longer be able to sign in, and anyone signed in now is signed out straight away. Its data is kept, and you can reactivate it later.`}
          confirmLabel={`Yes, deactivate ${org.name}`}
          cancelHref={`/admin/organisations/${org.id}`}
          action={setOrganisationActiveAction.bind(null, org.id, false)}
        />
      )}
      <dl className="summary-list">
        <dt>Status</dt>
        <dd>{org.active ? "Active" : "Inactive: its users cannot sign in"}</dd>
        <dt>Accounts</dt>
        <dd>{org.accounts}</dd>
      </dl>
      <h2>Rename</h2>
      <RenameOrganisationForm id={org.id} name={org.name} />
      <h2>{org.active ? "Deactivate" : "Reactivate"}</h2>
      {org.active ? (
        <>
          <p>Its users will no longer be able to sign in, and anyone signed in now is signed out. Its data is kept.</p>
          <p>
            <ConfirmButton href={`/admin/organisations/${org.id}?confirm=deactivate`}>{`Deactivate ${org.name}`}</ConfirmButton>
          </p>
        </>
      ) : (
        <form action={setOrganisationActiveAction.bind(null, org.id, true)}>
          <button type="submit" className="button">
            Reactivate {org.name}
          </button>
        </form>
      )}
    </>
  );
});
