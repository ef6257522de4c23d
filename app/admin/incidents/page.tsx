import type { Metadata } from "next";
import { getDataset, isDatasetId } from "@/lib/datasets";
import { IDENTIFIER_RULE_DESCRIPTIONS, type IdentifierRule } from "@/lib/ingest/guard";
import { listIncidents } from "@/lib/ingest/queries";
import { formatBytes, formatCount } from "@/components/upload/format";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Data-protection incidents" };
export const dynamic = "force-dynamic";

export default definePage("admin.incidents", async ({ unit }) => {
  const ctx = unit;
  if (ctx.kind !== "admin") throw new Error("administrators act in the admin context");
  const incidents = await listIncidents(ctx);
  return (
    <>
      <span className="caption">Administration</span>
      <h1>Data-protection incidents</h1>
      <p className="lead">
        Files that arrived without being pseudonymised. Each was deleted on arrival (and on the partner&apos;s SFTP server when it came that way);
        nothing from it was loaded or kept. The organisation&apos;s data-protection contact was notified. The values themselves are never recorded.
      </p>
      {incidents.length === 0 ? (
        <div className="panel">
          <h2>No incidents</h2>
          <p>No file that looked un-pseudonymised has been received.</p>
        </div>
      ) : (
        <table>
          <caption>{formatCount(incidents.length)} incidents, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Detected</th>
              <th scope="col">Organisation</th>
              <th scope="col">Dataset</th>
              <th scope="col">Received</th>
              <th scope="col">What was found</th>
              <th scope="col">Deleted</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id}>
                <td>{i.detectedAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}</td>
                <td>{i.orgName}</td>
                <td>{isDatasetId(i.datasetId) ? getDataset(i.datasetId).title : i.datasetId}</td>
                <td>
                  {i.originalFilename}
                  <span className="hint">
                    {formatBytes(i.fileSize)} via {i.source}
                    {i.uploadedBy ? `, by ${i.uploadedBy}` : ""}
                  </span>
                </td>
                <td>
                  <ul>
                    {Object.entries(i.rules).map(([rule, cells]) => (
                      <li key={rule}>
                        {IDENTIFIER_RULE_DESCRIPTIONS[rule as IdentifierRule] ?? rule}: {formatCount(cells)} cell{cells === 1 ? "" : "s"}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  {i.bytesDeleted ? "Every byte received" : "Not confirmed"}
                  {i.source === "sftp" && (
                    <span className="hint">{i.remoteDeleted ? "and on the SFTP server" : "SFTP copy not confirmed deleted"}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
});
