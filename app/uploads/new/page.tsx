import type { Metadata } from "next";
import Link from "next/link";
import { getDataset } from "@/lib/datasets";
import { datasetsSuppliedBy } from "@/lib/ingest/supplied-datasets";
import { MAX_FORM_UPLOAD_BYTES, MAX_UPLOAD_BYTES } from "@/lib/ingest/http-upload";
import { UploadForm, type DatasetOption } from "@/components/upload/upload-form";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Upload a file" };
export const dynamic = "force-dynamic";

export default definePage("uploads.new", async ({ actor: user, unit, searchParams }) => {
  const error = [searchParams.error].flat()[0];
  const ctx = unit;
  // Only what the organisation supplies under its agreements: never another partner's dataset.
  const supplied = ctx.kind === "org" ? await datasetsSuppliedBy(ctx) : [];
  const datasets: DatasetOption[] = supplied.map((id) => {
    const d = getDataset(id);
    return { id, title: d.title, supplier: d.supplier.name ?? "a local authority", needsPeriod: d.needsPeriod };
  });
  return (
    <>
      <Link href="/uploads">Back to your uploads</Link>
      <span className="caption">{user.orgName}</span>
      <h1>Upload a file</h1>
      <div className="inset">
        <p>
          Only pseudonymised data may be sent. A file holding names, full dates of birth, postcodes, addresses, NHS numbers, phone numbers or e-mail
          addresses is deleted on arrival and recorded as a data-protection incident, and your data-protection contact is told.
        </p>
        <p>
          Check the columns against the <Link href="/specification">data specification</Link> first.
        </p>
      </div>
      {datasets.length > 0 ? (
        <UploadForm datasets={datasets} maxBytes={MAX_UPLOAD_BYTES} formMaxBytes={MAX_FORM_UPLOAD_BYTES} error={error?.slice(0, 500)} />
      ) : (
        <div className="panel">
          <h2>{user.orgName} supplies no dataset yet</h2>
          <p>
            An organisation can upload only the datasets a data-sharing agreement names it as supplying. Ask the platform administrators, or the
            agreement&apos;s owner at Essex County Council, to add your organisation as a supplier.
          </p>
        </div>
      )}
    </>
  );
});
