import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDataset, isDatasetId } from "@/lib/datasets";
import { getBatch } from "@/lib/ingest/queries";
import { IncidentGuidance } from "@/components/upload/incident-guidance";
import { RULE_LABELS, countOf, formatBytes, formatCount } from "@/components/upload/format";
import { StatusTag } from "@/components/upload/status-tag";
import { definePage } from "@/lib/http/adapter";
import { withdrawAction } from "./actions";

export const metadata: Metadata = { title: "Upload result" };
export const dynamic = "force-dynamic";

export default definePage("uploads.batch", async ({ unit, params, searchParams }) => {
  const { batchId } = params;
  const sp = searchParams;
  const ctx = unit;
  if (ctx.kind !== "org") notFound();
  const b = await getBatch(ctx, batchId);
  if (!b) notFound();
  const title = isDatasetId(b.datasetId) ? getDataset(b.datasetId).title : b.datasetId;
  const summary = b.report?.summary;
  const keepsOriginal = ["loaded", "superseded", "withdrawn"].includes(b.status);
  return (
    <>
      <Link href="/uploads">Back to your uploads</Link>
      <span className="caption">
        {title}
        {b.period ? `, batch ${b.period}` : ""}
      </span>
      <h1>{b.originalFilename}</h1>
      {sp.withdrawn && (
        <div className="notice-success" role="status">
          <h2>Upload withdrawn</h2>
          <p>Its rows no longer count in any analysis.</p>
        </div>
      )}
      {summary?.incident && <IncidentGuidance incident={summary.incident} />}
      {b.report && !summary?.incident && (
        <div className={b.status === "loaded" || b.status === "superseded" || b.status === "withdrawn" ? "panel" : "notice-error"}>
          <h2>{b.status === "incident" ? "This file was deleted: it was not pseudonymised" : "Result"}</h2>
          <p>{b.report.message}</p>
        </div>
      )}
      <dl className="summary-list">
        <dt>Status</dt>
        <dd>
          <StatusTag status={b.status} />
        </dd>
        <dt>Uploaded</dt>
        <dd>
          {b.createdAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })} by {b.uploadedBy ?? b.source}
        </dd>
        <dt>File</dt>
        <dd>{formatBytes(b.fileSize)}</dd>
        <dt>SHA-256</dt>
        <dd>
          <code>{b.fileSha256 ?? "–"}</code>
        </dd>
        <dt>Rows</dt>
        <dd>
          {formatCount(b.rowsTotal)} read, {formatCount(b.rowsLoaded)} loaded, {countOf(b.errorCount, "error")}
        </dd>
        <dt>If rows have errors</dt>
        <dd>{b.loadValidRowsOnly ? "Load the valid rows (your choice)" : "Refuse the whole file (the default)"}</dd>
      </dl>

      {summary && summary.fileErrors.length > 0 && (
        <>
          <h2>Problems with the file as a whole</h2>
          <ul>
            {summary.fileErrors.map((f) => (
              <li key={f.code}>{f.message}</li>
            ))}
          </ul>
        </>
      )}
      {summary && summary.groups.length > 0 && (
        <>
          <h2>Errors by column and rule</h2>
          <table>
            <caption>
              {countOf(summary.errorCount, "error")} in {formatCount(summary.rowsTotal - summary.rowsValid)} of {countOf(summary.rowsTotal, "row")}
            </caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Rule</th>
                <th scope="col" className="num">
                  Rows
                </th>
                <th scope="col">Expected</th>
                <th scope="col">First examples</th>
              </tr>
            </thead>
            <tbody>
              {summary.groups.map((g) => (
                <tr key={`${g.column}|${g.rule}`}>
                  <th scope="row">
                    <code>{g.column}</code>
                  </th>
                  <td>{RULE_LABELS[g.rule] ?? g.rule}</td>
                  <td className="num">{formatCount(g.count)}</td>
                  <td>{g.expected}</td>
                  <td>
                    <ul>
                      {g.examples.map((x) => (
                        <li key={x.line}>
                          line {x.line}
                          {x.value !== null && (
                            <>
                              : <code>{x.value === "" ? "(empty)" : x.value.slice(0, 80)}</code>
                            </>
                          )}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {b.report?.errorReport && (
        <p>
          <a href={`/api/uploads/${b.id}/errors`} download>
            Download the full error report (CSV)
          </a>
        </p>
      )}
      {keepsOriginal && (
        <p>
          <a href={`/api/uploads/${b.id}/original`} download>
            Download the exact file your organisation sent
          </a>{" "}
          ({formatBytes(b.fileSize)}, byte for byte)
        </p>
      )}
      {(b.status === "loaded" || b.status === "superseded") && (
        <>
          <h2>Withdraw this upload</h2>
          <p>
            Withdrawing takes this file&apos;s rows out of every analysis. It does not bring back an earlier upload: to replace the data, upload a
            corrected file instead.
          </p>
          {sp.confirm ? (
            <form action={withdrawAction}>
              <input type="hidden" name="batchId" value={b.id} />
              <button type="submit" className="button button--warning">
                Yes, withdraw this upload
              </button>{" "}
              <Link href={`/uploads/${b.id}`}>No, keep it</Link>
            </form>
          ) : (
            <p>
              <Link className="button button--secondary" href={`/uploads/${b.id}?confirm=1`}>
                Withdraw this upload
              </Link>
            </p>
          )}
        </>
      )}
    </>
  );
});
