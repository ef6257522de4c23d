import type { Metadata } from "next";
import Link from "next/link";
import { parseFilters, vangeDashboard } from "@/lib/dashboards/service";
import { outputsAccess } from "@/lib/agreements/in-force";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";
import { viewQuery } from "@/lib/dashboards/query";
import { DashboardFilters } from "@/components/dashboard/filters";
import { RunStatusPanel, formatWhen } from "@/components/dashboard/run-status";
import { TableFigure } from "@/components/dashboard/table-figure";
import { ViewNotices } from "@/components/dashboard/view-notices";
import { districtLabel } from "@/components/dashboard/place-names";
import { definePage } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";

export const metadata: Metadata = { title: "Vange school readiness" };
export const dynamic = "force-dynamic";

export default definePage("dashboards.vange", async ({ actor: user, unit, searchParams, audit, log }) => {
  const access = await outputsAccess(user, { agreementSlug: PILOT_AGREEMENT });
  if (!access.ok) {
    return (
      <>
        <h1>Vange school readiness</h1>
        <div className="panel">
          <h2>Not shown to your organisation</h2>
          <p>{access.message}</p>
        </div>
      </>
    );
  }
  // A view that cannot be recorded is not shown: every access to the figures is audited.
  const params = searchParams;
  const dashboard = await vangeDashboard(unit, parseFilters(params))
    .then(async (d) => {
      if (d.state === "ready") await audit({ run: d.run.version, year: d.filters.year, district: d.filters.district });
      return d;
    })
    .catch((e: unknown) => {
      log.error(errFields(e), "dashboard view failed");
      return null;
    });
  if (!dashboard) {
    return (
      <>
        <h1>Vange school readiness</h1>
        <div className="notice-error" role="alert">
          <h2>The dashboard could not be prepared</h2>
          <p>Something went wrong on our side and has been logged. Try again in a few minutes.</p>
        </div>
      </>
    );
  }
  if (dashboard.state === "ended") {
    return (
      <>
        <h1>Vange school readiness</h1>
        <div className="panel">
          <h2>The agreement has ended</h2>
          <p>{dashboard.agreement.message}</p>
        </div>
      </>
    );
  }
  if (dashboard.state === "no-run") {
    return (
      <>
        <h1>Vange school readiness</h1>
        <RunStatusPanel latest={dashboard.latest} liveVersion={null} />
        <div className="panel">
          <h2>No matching run yet</h2>
          <p>
            The dashboards are drawn from the latest matching run, which links the partners&apos; datasets. A run starts by itself after each partner
            upload; it can also be started from the <Link href="/matching">matching page</Link>.
          </p>
        </div>
      </>
    );
  }
  const { run, filters } = dashboard;
  const csvHref = (table: string) => `/api/dashboards/vange/csv${viewQuery(filters, { table })}`;
  // Researchers add a table to a release request by its definition (table and filters), never by its numbers.
  const releaseHref = (table: string) => (user.role === "researcher" ? `/releases/requests${viewQuery(filters, { table })}` : undefined);
  const scope = [
    filters.year ? `assessment year ${filters.year}` : "all assessment years",
    filters.district ? `school district ${districtLabel(filters.district)}` : "all school districts",
  ].join(", ");
  return (
    <>
      <span className="caption">Essex Data Platform pilot</span>
      <h1>Vange school readiness</h1>
      <p className="lead">
        Children at the end of Reception with a complete Early Years Foundation Stage Profile, linked to their households in the partners&apos; data.
        Showing {scope}.
      </p>
      <ViewNotices params={params} filters={filters} options={dashboard.options} sections={dashboard.sections} action="/dashboards/vange" />
      <RunStatusPanel latest={dashboard.latest} liveVersion={run.version} />
      <p className="hint">
        Figures from matching run {run.version}, finished {formatWhen(run.finishedAt)}. Values based on {run.threshold} or fewer children are shown as
        [c]; some others are also withheld so that they cannot be worked out from totals. Children absent for any early learning goal are not
        included, as in the national statistics.
      </p>
      <DashboardFilters action="/dashboards/vange" filters={filters} years={dashboard.options.years} districts={dashboard.options.districts} />
      <nav aria-label="Sections" className="contents">
        <ul>
          {dashboard.sections.map((s) => (
            <li key={s.id}>
              <a href={`#${s.id}`}>{s.title}</a>
            </li>
          ))}
          <li>
            <a href="#coverage">Data coverage</a>
          </li>
        </ul>
      </nav>
      {dashboard.sections.map((s) => (
        <section key={s.id} id={s.id} aria-labelledby={`h-${s.id}`}>
          <h2 id={`h-${s.id}`}>{s.title}</h2>
          <p>{s.intro}</p>
          <div className="figures">
            {s.tables.map((t) => (
              <TableFigure key={t.id} table={t} csvHref={csvHref(t.id)} releaseHref={releaseHref(t.id)} />
            ))}
          </div>
        </section>
      ))}
      <section id="coverage" aria-labelledby="h-coverage">
        <h2 id="h-coverage">Data coverage</h2>
        <p>Which partners&apos; data is in matching run {run.version}, as of when each extract was loaded.</p>
        <table>
          <caption>Partner extracts in matching run {run.version}</caption>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Partner</th>
              <th scope="col">Extract loaded</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.coverage.map((c) => (
              <tr key={`${c.datasetId}-${c.organisation}`}>
                <th scope="row">{c.datasetTitle}</th>
                <td>{c.organisation}</td>
                <td>{formatWhen(c.loadedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <Link href="/matching">Match rates and run history</Link>
        </p>
      </section>
    </>
  );
});
