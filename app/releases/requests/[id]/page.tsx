import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TableFigure } from "@/components/dashboard/table-figure";
import { definePage } from "@/lib/http/adapter";
import { AUDIENCE_LABELS, getRequest, isReleaseError, outputCatalogue, type OutputCheck, type RequestDetail } from "@/lib/release";
import { addOutputAction, newVersionAction, removeOutputAction, reviewAction, submitAction } from "../../actions";
import { readReleaseFlash } from "../../_flash";
import { FieldError, ReleaseNotices, StatusTag, one, when } from "../../_ui";

export const metadata: Metadata = { title: "Release request" };
export const dynamic = "force-dynamic";

const filtersText = (f: { year: number | null; district: string | null }) =>
  `${f.year === null ? "all assessment years" : `assessment year ${f.year}`}, ${f.district === null ? "all school districts" : `school district ${f.district}`}`;

const DECISIONS = { approve: "Approve and release", refuse: "Refuse", return: "Return to the researcher with comments" } as const;

function CheckList({ check, approver }: { check: OutputCheck; approver: boolean }) {
  return (
    <dl className="summary-list" aria-label={`Disclosure check of ${check.title}`}>
      <dt>Threshold</dt>
      <dd>Counts of {check.threshold} or fewer withheld</dd>
      <dt>Cells withheld</dt>
      <dd>
        {check.suppressedPrimary} small (primary), {check.suppressedSecondary} to protect them (secondary)
        {check.suppressedPercentage > 0 ? `; ${check.suppressedPercentage} percentages withheld with them` : ""}, of {check.cells} cells
      </dd>
      {approver && check.zeroCells !== null && (
        <>
          <dt>Zero cells</dt>
          <dd>{check.zeroCells} (all withheld as [c])</dd>
        </>
      )}
      <dt>Smallest published denominator</dt>
      <dd>{check.smallestPublishedDenominator ?? "None published"}</dd>
      <dt>Percentages near 0 % or 100 %</dt>
      <dd>
        {check.nearExtremePercentages.length === 0
          ? "None"
          : `${check.nearExtremePercentages.length}: ${check.nearExtremePercentages.join("; ")} (numerator or complement at most twice the threshold)`}
      </dd>
      <dt>Earlier releases</dt>
      <dd>
        {check.forcedByEarlierReleases === 0
          ? "Forced no extra suppression"
          : `${check.forcedByEarlierReleases} cells withheld because of ${check.forcedBy.join(", ")}`}
      </dd>
    </dl>
  );
}

function Confirm({ detail, kind, comment }: { detail: RequestDetail; kind: string; comment: string }) {
  if (kind === "submit") {
    return (
      <div className="panel confirm-step" id="confirm">
        <h2>Submit this request?</h2>
        <p>
          Once submitted, it cannot change: the platform computes its disclosure check and the approvers are told. To change it later, make a new
          version.
        </p>
        <div className="button-group">
          <form action={submitAction.bind(null, detail.id)}>
            <input type="hidden" name="confirmed" value="yes" />
            <button type="submit" className="button">
              Yes, submit it
            </button>
          </form>
          <Link href={`/releases/requests/${detail.id}`}>Cancel</Link>
        </div>
      </div>
    );
  }
  if (!(kind in DECISIONS)) return null;
  const decision = kind as keyof typeof DECISIONS;
  return (
    <div className="panel confirm-step" id="confirm">
      <h2>{DECISIONS[decision]}?</h2>
      <p>
        {decision === "approve"
          ? "If yours is the last approval needed, the outputs are released at once: their files are published in the register and cannot be changed."
          : decision === "refuse"
            ? "A refused request is closed; the researcher is told with your comment."
            : "The researcher is told with your comment and can submit a new version."}
      </p>
      {comment && (
        <p>
          Your comment: <q>{comment}</q>
        </p>
      )}
      <div className="button-group">
        <form action={reviewAction.bind(null, detail.id)}>
          <input type="hidden" name="decision" value={decision} />
          <input type="hidden" name="comment" value={comment} />
          <input type="hidden" name="confirmed" value="yes" />
          <button type="submit" className={decision === "approve" ? "button" : "button button--warning"}>
            Yes, {decision}
          </button>
        </form>
        <Link href={`/releases/requests/${detail.id}#review`}>Cancel</Link>
      </div>
    </div>
  );
}

export default definePage("releases.request", async ({ params, searchParams, actor: user }) => {
  const { id } = await params;
  const search = await searchParams;
  const flash = await readReleaseFlash(search.f);
  let detail: RequestDetail;
  try {
    detail = await getRequest(user, { requestId: id });
  } catch (e) {
    if (isReleaseError(e) && e.code === "not-found") notFound();
    throw e;
  }
  const approver = user.role === "approver";
  const catalogue = detail.canEdit ? await outputCatalogue(user) : null;
  const confirm = one(search.confirm);
  const pre = { table: one(search.table) ?? "", year: one(search.year) ?? "", district: one(search.district) ?? "" };
  const report = detail.report;

  return (
    <>
      <p>
        <Link href="/releases/requests">Back to release requests</Link>
      </p>
      <ReleaseNotices flash={flash} />
      {confirm && <Confirm detail={detail} kind={confirm} comment={flash?.values?.comment ?? ""} />}
      <span className="caption">Release request, version {detail.version}</span>
      <h1>{detail.title}</h1>
      <p>
        <StatusTag status={detail.status} />
        {detail.release && (
          <>
            {" "}
            Released as <Link href="/releases">{detail.release.label}</Link>
            {detail.release.withdrawn ? " (since withdrawn)" : ""}.
          </>
        )}
      </p>
      <dl className="summary-list">
        <dt>Requested by</dt>
        <dd>
          {detail.requestedBy}, {detail.organisation}
        </dd>
        <dt>Agreement</dt>
        <dd>{detail.agreement}</dd>
        <dt>Intended audience</dt>
        <dd>{AUDIENCE_LABELS[detail.audience]}</dd>
        <dt>Purpose</dt>
        <dd>{detail.purpose}</dd>
        <dt>Matching run</dt>
        <dd>
          {detail.run.version}
          {detail.run.live ? " (live)" : " (superseded by a newer run)"}
        </dd>
        <dt>Submitted</dt>
        <dd>{when(detail.submittedAt)}</dd>
      </dl>
      {(detail.previousId || detail.nextId) && (
        <p>
          {detail.previousId && <Link href={`/releases/requests/${detail.previousId}`}>Previous version</Link>}
          {detail.previousId && detail.nextId && " · "}
          {detail.nextId && <Link href={`/releases/requests/${detail.nextId}`}>Newer version</Link>}
        </p>
      )}

      {detail.reviews.length > 0 && (
        <section aria-labelledby="h-reviews">
          <h2 id="h-reviews">Decisions and comments</h2>
          <ul>
            {detail.reviews.map((r, i) => (
              <li key={i}>
                <strong>{r.reviewer}</strong> {r.decision === "approve" ? "approved" : r.decision === "refuse" ? "refused" : "returned"} it on{" "}
                {when(r.at)}
                {r.comment && (
                  <>
                    : <q>{r.comment}</q>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {detail.status !== "draft" && (
        <section aria-labelledby="h-approvals">
          <h2 id="h-approvals">Approvals needed</h2>
          <ul>
            {detail.requiredApprovals.map((a) => (
              <li key={a.organisation}>
                {a.organisation}: {a.approvedBy ? `approved by ${a.approvedBy}` : "not yet approved"}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section id="outputs" aria-labelledby="h-outputs">
        <h2 id="h-outputs">Outputs</h2>
        {detail.outputs.length === 0 && (
          <p className="inset">No outputs yet. Add the dashboard tables to release below, or from the dashboard itself.</p>
        )}
        {!report && detail.outputs.length > 0 && (
          <table>
            <caption>Outputs of this request (the check is computed when it is submitted)</caption>
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Population</th>
                {detail.canEdit && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {detail.outputs.map((o) => (
                <tr key={o.id}>
                  <th scope="row">{o.title}</th>
                  <td>{filtersText(o)}</td>
                  {detail.canEdit && (
                    <td>
                      <form action={removeOutputAction.bind(null, detail.id, o.id)}>
                        <button type="submit" className="button button--secondary">
                          Remove<span className="visually-hidden"> {o.title}</span>
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {report && (
          <>
            <p>
              Each output is shown exactly as it would be released, with the platform&apos;s disclosure check beside it (computed{" "}
              {when(report.computedAt)}, on matching run {report.run.version}; {report.dataPeriod}).
            </p>
            {report.rendered.map((r) => {
              const check = report.outputs.find((o) => o.outputId === r.outputId)!;
              return (
                <div key={r.outputId} className="release-output">
                  <TableFigure table={{ ...r.display, id: `${r.display.id}-${r.outputId.slice(0, 8)}` }} headingLevel={3} />
                  <div>
                    <h4>Disclosure check: {filtersText(check.filters)}</h4>
                    <CheckList check={check} approver={approver} />
                  </div>
                </div>
              );
            })}
            <h3>Across releases</h3>
            <p>
              {report.crossRelease.earlierReleases.length === 0
                ? "No earlier release rests on this matching run."
                : `Protected jointly with every earlier release of this matching run (${report.crossRelease.earlierReleases.join(", ")}), withdrawn ones included. ${
                    report.crossRelease.forced === 0
                      ? "They forced no extra suppression."
                      : `${report.crossRelease.forced} numbers are withheld because of ${report.crossRelease.forcedBy.join(", ")}.`
                  }`}
            </p>
            {report.crossRelease.otherRuns.length > 0 && (
              <div className="inset">
                <p>
                  Earlier releases of this agreement rest on other matching runs: {report.crossRelease.otherRuns.join(", ")}. The platform cannot
                  check these jointly with this request (the runs hold different data); compare them before approving.
                </p>
              </div>
            )}
            <h3>Data it rests on</h3>
            <table>
              <caption>Partner extracts in matching run {report.run.version}</caption>
              <thead>
                <tr>
                  <th scope="col">Dataset</th>
                  <th scope="col">Partner</th>
                  <th scope="col">Extract loaded</th>
                  <th scope="col">Batch</th>
                </tr>
              </thead>
              <tbody>
                {report.batches.map((b) => (
                  <tr key={`${b.batchId}-${b.organisation}`}>
                    <th scope="row">{b.datasetTitle}</th>
                    <td>{b.organisation}</td>
                    <td>{when(b.loadedAt)}</td>
                    <td>
                      <code>{b.batchId.slice(0, 8)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      {detail.canEdit && catalogue && (
        <section id="add-output" aria-labelledby="h-add">
          <h2 id="h-add">Add an output</h2>
          <p className="hint">An output is a dashboard table for a population: the platform computes its figures, never typed numbers.</p>
          <form action={addOutputAction.bind(null, detail.id)} noValidate>
            <div className="form-group">
              <label htmlFor="table">Table</label>
              <FieldError flash={flash} field="table" />
              <select id="table" name="table" defaultValue={pre.table} aria-describedby={flash?.field === "table" ? "table-error" : undefined}>
                <option value="" disabled>
                  Choose a table
                </option>
                {catalogue.tables.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.title}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-group">
              <label htmlFor="year">Assessment year</label>
              <select id="year" name="year" defaultValue={pre.year}>
                <option value="">All years</option>
                {catalogue.years.map((y) => (
                  <option key={y} value={String(y)}>
                    {y}
                  </option>
                ))}
              </select>
            </div>
            <div className="form-group">
              <label htmlFor="district">School district</label>
              <select id="district" name="district" defaultValue={pre.district}>
                <option value="">All districts</option>
                {catalogue.districts.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" className="button button--secondary">
              Add the output
            </button>
          </form>
        </section>
      )}

      {detail.canEdit && (
        <div className="button-group">
          <form action={submitAction.bind(null, detail.id)}>
            <button type="submit" className="button">
              Submit for approval
            </button>
          </form>
        </div>
      )}
      {user.role === "researcher" && detail.status !== "draft" && (detail.status !== "submitted" || !detail.run.live) && !detail.nextId && (
        <div className="button-group">
          <form action={newVersionAction.bind(null, detail.id)}>
            <button type="submit" className="button button--secondary">
              Make a new version
            </button>
          </form>
        </div>
      )}

      {detail.canReview && (
        <section id="review" aria-labelledby="h-review">
          <h2 id="h-review">Your decision</h2>
          <form action={reviewAction.bind(null, detail.id)} noValidate>
            <fieldset className="form-group" id="decision" aria-describedby={flash?.field === "decision" ? "decision-error" : undefined}>
              <legend>Decision</legend>
              <FieldError flash={flash} field="decision" />
              {(Object.keys(DECISIONS) as (keyof typeof DECISIONS)[]).map((d) => (
                <div key={d}>
                  <input type="radio" id={`decision-${d}`} name="decision" value={d} defaultChecked={flash?.values?.decision === d} />{" "}
                  <label htmlFor={`decision-${d}`}>{DECISIONS[d]}</label>
                </div>
              ))}
            </fieldset>
            <div className="form-group">
              <label htmlFor="comment">Comment</label>
              <span className="hint" id="comment-hint">
                Needed to refuse or return: the researcher reads it.
              </span>
              <textarea
                id="comment"
                name="comment"
                rows={4}
                maxLength={4000}
                defaultValue={flash?.values?.comment ?? ""}
                aria-describedby="comment-hint"
              />
            </div>
            <button type="submit" className="button">
              Continue
            </button>
          </form>
        </section>
      )}
      {approver && !detail.canReview && detail.status === "submitted" && !detail.awaitingYou && (
        <p className="inset">Your decision on this request is recorded, or your organisation&apos;s approval is not needed for it.</p>
      )}
    </>
  );
});
