import type { Metadata } from "next";
import Link from "next/link";
import { listOrganisations, ORG_KINDS } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { FieldError, Notices } from "../_ui";
import { createOrganisationAction } from "../actions";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Organisations" };
export const dynamic = "force-dynamic";

const LABELS = { name: "Name", kind: "Kind", dpContactEmail: "Data protection contact", form: "Organisation" };

export default definePage("admin.organisations", async ({ actor: admin, searchParams }) => {
  const flash = await readFlash(searchParams.f);
  const orgs = await listOrganisations(admin);
  const v = flash?.values ?? {};
  const kindLabel = new Map(ORG_KINDS.map((k) => [k.value, k.label]));
  return (
    <>
      <Notices flash={flash} labels={LABELS} />
      <h1>Organisations</h1>
      <table>
        <caption>{orgs.length} organisations</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">
              Accounts
            </th>
          </tr>
        </thead>
        <tbody>
          {orgs.map((o) => (
            <tr key={o.id}>
              <td>
                <Link href={`/admin/organisations/${o.id}`}>{o.name}</Link>
              </td>
              <td>{kindLabel.get(o.kind)}</td>
              <td>
                <span className={`tag ${o.active ? "tag--green" : "tag--grey"}`}>{o.active ? "Active" : "Inactive"}</span>
              </td>
              <td className="num">{o.accounts}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add an organisation</h2>
      <form action={createOrganisationAction} noValidate>
        <div className="form-group">
          <label htmlFor="name">{LABELS.name}</label>
          <FieldError flash={flash} field="name" />
          <input id="name" name="name" type="text" defaultValue={v.name ?? ""} />
        </div>
        <div className="form-group">
          <label htmlFor="kind">{LABELS.kind}</label>
          <FieldError flash={flash} field="kind" />
          <select id="kind" name="kind" defaultValue={v.kind ?? ""}>
            <option value="" disabled>
              Choose the kind of organisation
            </option>
            {ORG_KINDS.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor="dpContactEmail">{LABELS.dpContactEmail} (optional)</label>
          <FieldError flash={flash} field="dpContactEmail" />
          <input id="dpContactEmail" name="dpContactEmail" type="email" defaultValue={v.dpContactEmail ?? ""} />
        </div>
        <button type="submit" className="button">
          Add the organisation
        </button>
      </form>
    </>
  );
});
