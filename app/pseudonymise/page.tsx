import type { Metadata } from "next";
import Link from "next/link";
import { DATASET_IDS, getDataset } from "@/lib/datasets";
import { PseudonymiseTool, type DatasetChoice } from "@/components/pseudonymise/pseudonymise-tool";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Pseudonymise a file" };
export const dynamic = "force-dynamic";

/** Thin on purpose: everything happens in the analyst's browser (components/pseudonymise). */
export default definePage("pseudonymise", async ({ actor: user }) => {
  const datasets: DatasetChoice[] = DATASET_IDS.map((id) => {
    const d = getDataset(id);
    return {
      id,
      title: d.title,
      needsPeriod: d.needsPeriod,
      columns: d.columns.map((c) => ({ name: c.name, kind: c.kind, optional: c.optional, description: c.description })),
    };
  });
  return (
    <>
      <span className="caption">{user.orgName}</span>
      <h1>Pseudonymise a file</h1>
      <div className="inset">
        <p>
          Turn your raw extract into a file ready to upload. The file and your salt stay on this computer: they are read and hashed in this browser
          tab and never sent anywhere. Once this page has loaded it works without a network connection. Only if you choose <strong>Upload</strong> at
          the end is the pseudonymised result sent to the portal.
        </p>
        <p>
          The digest is OpenPseudonymiser&apos;s: SHA-256 of the identifier values in the alphabetical order of their headings, with spaces, tabs and
          line breaks removed, followed by the salt. See the <Link href="/specification">data specification</Link> for each dataset&apos;s columns.
        </p>
      </div>
      <PseudonymiseTool datasets={datasets} />
    </>
  );
});
