import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { AUDIENCE_LABELS, releaseRegister } from "@/lib/release";
import { readReleaseFlash } from "./_flash";
import { ReleaseNotices, one, when } from "./_ui";

export const metadata: Metadata = { title: "Register of releases" };
export const dynamic = "force-dynamic";

const PROBLEMS: Record<string, string> = {
  "file-tampered":
    "That file no longer matches the SHA-256 recorded when it was released, so it has been changed since. It is not served; the platform team has been alerted through the audit trail.",
  "file-missing": "That file is missing from the platform's store and cannot be served. Tell the platform team.",
  withdrawn: "That release has been withdrawn: its files are no longer available for publication.",
  "not-found": "There is no such released file.",
  unavailable: "The file could not be prepared. Try again in a few minutes.",
};

/** The public register: every release with its approvers, period and file hashes, and no data. */
export default definePage("releases", async ({ searchParams, currentActor }) => {
  const user = await currentActor();
  const params = await searchParams;
  const flash = await readReleaseFlash(params.f);
  const problem = one(params.problem);
  const releases = await releaseRegister();
  const canWithdraw = user?.role === "approver" || user?.role === "administrator";
  return (
    <>
      <h1>Register of releases</h1>
      <p className="lead">
        Every output approved for release from the Essex Data Platform, with who approved it and the SHA-256 of each file. Only files listed here are
        approved for publication. The register holds no data itself.
      </p>
      <ReleaseNotices flash={flash} />
      {problem && PROBLEMS[problem] && (
        <div className="error-summary" role="alert" aria-labelledby="problem-title">
          <h2 id="problem-title">The file was not downloaded</h2>
          <p>{PROBLEMS[problem]}</p>
        </div>
      )}
      {releases.length === 0 ? (
        <p className="inset">Nothing has been released yet.</p>
      ) : (
        releases.map((r) => (
          <section key={r.id} aria-labelledby={`h-${r.label}`} className="panel">
            <h2 id={`h-${r.label}`}>
              {r.label}: {r.title} {r.withdrawn && <strong className="tag tag--red">Withdrawn</strong>}
            </h2>
            <dl className="summary-list">
              <dt>Released</dt>
              <dd>{when(r.releasedAt)}</dd>
              <dt>Approved by</dt>
              <dd>{r.approvers}</dd>
              <dt>Data period</dt>
              <dd>{r.dataPeriod}</dd>
              <dt>Audience</dt>
              <dd>{AUDIENCE_LABELS[r.audience]}</dd>
              {r.withdrawn && (
                <>
                  <dt>Withdrawn</dt>
                  <dd>
                    {when(r.withdrawn.at)}
                    {r.withdrawn.by ? ` by ${r.withdrawn.by}` : ""}: {r.withdrawn.reason}
                  </dd>
                </>
              )}
            </dl>
            <table>
              <caption>Files of {r.label}</caption>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {r.files.map((f) => (
                  <tr key={f.id}>
                    <th scope="row">{r.withdrawn ? f.name : <a href={`/releases/files/${f.id}`}>{f.name}</a>}</th>
                    <td>
                      <code className="hash">{f.sha256}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {canWithdraw && !r.withdrawn && (
              <p>
                <Link href={`/releases/${r.number}/withdraw`}>
                  Withdraw<span className="visually-hidden"> {r.label}</span>
                </Link>
              </p>
            )}
          </section>
        ))
      )}
    </>
  );
});
