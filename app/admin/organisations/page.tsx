import type { Metadata } from "next";
import Link from "next/link";
import { listOrganisations, ORG_KINDS } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { Notices } from "../_ui";
import { CreateOrganisationForm } from "./_organisation-forms";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Organisations" };
export const dynamic = "force-dynamic";

const LABELS = { name: "Name", kind: "Kind", dpContactEmail: "Data protection contact", form: "Organisation" };

export default definePage("admin.organisations", async ({ actor: admin, searchParams }) => {
  const flash = await readFlash(searchParams.f);
  const orgs = await listOrganisations(admin);
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
      <CreateOrganisationForm kinds={ORG_KINDS} />
    </>
  );
});
