import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { councilBatches, troubledFamiliesView } from "@/lib/troubled-families/results.server";
import { formatWhen } from "@/components/dashboard/run-status";
import { BalanceTable, FamilyCounts, OutcomeFigure } from "@/components/troubled-families/evaluation";

export const metadata: Metadata = { title: "Troubled Families evaluation" };
export const dynamic = "force-dynamic";

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.trim() || undefined;

export default definePage("troubled-families", async ({ unit, searchParams, audit }) => {
  const params = searchParams;
  const ctx = unit;
  const view = await troubledFamiliesView(ctx, { scope: first(params.council), cohort: first(params.cohort) });
  const own = ctx.kind === "org" ? await councilBatches(ctx) : null;
  if (view.state === "ready") {
    await audit({ run: view.run.version, scope: view.selected.scope === "all" ? "all" : "council", cohort: view.selected.cohort });
  }

  const batches = own && (
    <section aria-labelledby="h-batches">
      <h2 id="h-batches">Your council&apos;s batches</h2>
      {own.batches.length === 0 ? (
        <p>
          Your council has not sent a Troubled Families batch yet. Batches are sent every six months; <Link href="/uploads/new">upload one</Link> with
          its half-year (for example 2016-H1).
        </p>
      ) : (
        <>
          <table>
            <caption>Troubled Families batches your council has sent</caption>
            <thead>
              <tr>
                <th scope="col">Half-year</th>
                <th scope="col">Status</th>
                <th scope="col">Loaded</th>
              </tr>
            </thead>
            <tbody>
              {own.batches.map((b, i) => (
                <tr key={`${b.period}-${i}`}>
                  <th scope="row">{b.period ?? "–"}</th>
                  <td>{b.status === "loaded" ? "In the evaluation" : b.status === "superseded" ? "Replaced by a later upload" : "Withdrawn"}</td>
                  <td>{b.loadedAt ? formatWhen(b.loadedAt) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {own.nextDue && <p>The next batch due is for {own.nextDue}.</p>}
        </>
      )}
    </section>
  );

  if (view.state === "no-run") {
    return (
      <>
        <h1>Troubled Families evaluation</h1>
        <div className="panel">
          <h2>No evaluation yet</h2>
          <p>
            The evaluation is run again each time a council&apos;s batch is loaded or withdrawn.
            {view.latest && view.latest.status !== "succeeded"
              ? ` Run ${view.latest.version} is ${view.latest.status === "failed" ? "failed" : `in progress (${view.latest.stage}, ${view.latest.progress} %)`}.`
              : " No council has sent a batch yet."}
          </p>
        </div>
        {batches}
      </>
    );
  }

  const { published, selected } = view;
  const scopeLabel = view.scopes.find((s) => s.id === selected.scope)?.label ?? "";
  return (
    <>
      <span className="caption">Troubled Families programme evaluation</span>
      <h1>Troubled Families evaluation</h1>
      <p className="lead">
        Whether outcomes changed for families on the programme (treatment) compared with eligible families not yet worked with (comparison), in the 12
        months before and after. Showing {scopeLabel.toLowerCase() === "all councils" ? "all councils" : scopeLabel},{" "}
        {selected.cohort === "all" ? "all cohorts pooled" : `the ${selected.cohort} cohort`}.
      </p>
      {view.ignored && (
        <div className="warning-text" role="status" data-testid="filter-not-offered">
          {view.ignored}
        </div>
      )}
      <p className="hint">
        Evaluation run {view.run.version}, finished {formatWhen(view.run.finishedAt)}. Counts of {view.run.threshold} or fewer families are shown as
        [c], with others withheld so they cannot be worked out. Means and estimates are shown only for groups of at least {published.rules.minUnits}{" "}
        families and when no two families dominate a count; each withheld figure says why.
      </p>
      <form method="get" action="/troubled-families" className="filters" aria-label="Choose the council and cohort">
        {view.scopes.length > 1 && (
          <div className="form-group">
            <label htmlFor="council">Council</label>
            <select id="council" name="council" defaultValue={selected.scope}>
              {view.scopes.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="form-group">
          <label htmlFor="cohort">Cohort (half-year the family joined)</label>
          <select id="cohort" name="cohort" defaultValue={selected.cohort}>
            <option value="all">All cohorts pooled</option>
            {view.cohorts.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <button type="submit" className="button">
            Show
          </button>
        </div>
      </form>
      <nav aria-label="Sections" className="contents">
        <ul>
          <li>
            <a href="#families">Families</a>
          </li>
          <li>
            <a href="#outcomes">Outcomes and estimated effects</a>
          </li>
          <li>
            <a href="#matching">The matched comparison</a>
          </li>
          {own && (
            <li>
              <a href="#h-batches">Your council&apos;s batches</a>
            </li>
          )}
        </ul>
      </nav>
      <section id="families" aria-labelledby="h-families">
        <h2 id="h-families">Families</h2>
        <FamilyCounts published={published} />
      </section>
      <section id="outcomes" aria-labelledby="h-outcomes">
        <h2 id="h-outcomes">Outcomes and estimated effects</h2>
        <p>
          The effect is the change for treatment families minus the change for comparison families (difference in differences). The matched estimate
          compares each treated person with the most similar comparison person of the same council, cohort and age band (propensity score on the six
          criteria, age and the outcomes before), which removes the bias of comparing unlike families.
        </p>
        <div className="figures">
          {published.outcomes.map((o) => (
            <OutcomeFigure key={o.outcome} outcome={o} />
          ))}
        </div>
      </section>
      <section id="matching" aria-labelledby="h-matching">
        <h2 id="h-matching">The matched comparison</h2>
        {published.matching.shown ? (
          <p>
            Each treated person was matched to a comparison person whose propensity score (on the logit scale) differs by at most{" "}
            {published.matching.value.caliper.toFixed(3)}, a fifth of the scores&apos; standard deviation
            {published.matching.value.converged ? "" : " (the propensity model did not fully converge: read the estimates with care)"}.
          </p>
        ) : null}
        <BalanceTable published={published} />
      </section>
      {batches}
    </>
  );
});
