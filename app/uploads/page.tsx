import type { Metadata } from "next";
import Link from "next/link";
import { getDataset, isDatasetId } from "@/lib/datasets";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { listBatches } from "@/lib/ingest/queries";
import { formatBytes, formatCount } from "@/components/upload/format";
import { StatusTag } from "@/components/upload/status-tag";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Your uploads" };
export const dynamic = "force-dynamic";

export default definePage("uploads", async ({ actor: user, unit }) => {
  const ctx = unit;
  if (ctx.kind !== "org") throw new Error("partner analysts act for their organisation");
  // An upload cut off by a server restart shows as failed, not as loading forever.
  await sweepInterruptedBatches().catch(() => []);
  const batches = await listBatches(ctx);
  return (
    <>
      <span className="caption">{user.orgName}</span>
      <h1>Your uploads</h1>
      <p className="lead">
        Each upload is one file of one dataset. A newer loaded file of the same dataset replaces the older one in every analysis. Files must follow
        the <Link href="/specification">data specification</Link>.
      </p>
      <p>
        <Link className="button" href="/uploads/new">
          Upload a file
        </Link>
      </p>
      {batches.length === 0 ? (
        <div className="panel">
          <h2>You have not uploaded anything yet</h2>
          <p>When you upload a file, in the browser or over your organisation&apos;s SFTP inbox, it appears here with its validation result.</p>
        </div>
      ) : (
        <table>
          <caption>Uploads by {user.orgName}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Uploaded</th>
              <th scope="col">Dataset</th>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Rows loaded
              </th>
              <th scope="col" className="num">
                Errors
              </th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id}>
                <td>
                  <Link href={`/uploads/${b.id}`}>{b.createdAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</Link>
                </td>
                <td>
                  {isDatasetId(b.datasetId) ? getDataset(b.datasetId).title : b.datasetId}
                  {b.period ? ` (${b.period})` : ""}
                </td>
                <td>
                  {b.originalFilename}
                  <span className="hint">
                    {formatBytes(b.fileSize)} via {b.source}
                  </span>
                </td>
                <td>
                  <StatusTag status={b.status} />
                </td>
                <td className="num">{formatCount(b.rowsLoaded)}</td>
                <td className="num">{formatCount(b.errorCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
});
