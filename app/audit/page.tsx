import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { auditChainStatus, type ChainStatus } from "@/lib/audit/chain-check";
import {
  AuditFilterError,
  auditFilterOptions,
  filtersQuery,
  listAuditEvents,
  parseAuditFilters,
  type AuditFilters,
  type AuditRow,
} from "@/lib/audit/viewer";
import { checkChainNow } from "./actions";

export const metadata: Metadata = { title: "Audit trail" };
export const dynamic = "force-dynamic";

const when = (d: Date | string) => new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "Europe/London" });

const CHECK_NOTICE: Record<string, string> = {
  queued: "A check of the whole chain has been queued; its result appears here when it finishes (reload the page).",
  unavailable: "The check could not be queued just now. Try again in a few minutes.",
};

const LABELS: Record<string, string> = {
  from: "First day",
  to: "Last day",
  actor: "Who",
  org: "Organisation",
  action: "Event type",
  batch: "Upload batch",
  cursor: "Page",
};

function ChainPanel({ status }: { status: ChainStatus }) {
  const { latest, pending } = status;
  return (
    <section
      className={latest?.status === "broken" ? "error-summary" : "panel"}
      aria-labelledby="chain-heading"
      role={latest?.status === "broken" ? "alert" : undefined}
    >
      <h2 id="chain-heading">Integrity of the audit trail</h2>
      {!latest && <p>The hash chain has not been checked yet.</p>}
      {latest?.status === "ok" && (
        <p>
          <strong className="tag tag--green">Intact</strong> All {latest.checked?.toLocaleString("en-GB")} events matched their hashes when the chain
          was last checked, {when(latest.finishedAt!)} ({latest.trigger === "scheduled" ? "scheduled check" : "checked on request"}).
        </p>
      )}
      {latest?.status === "broken" && (
        <p>
          <strong className="tag tag--red">Broken</strong> The chain is broken at event {latest.firstBadEventId} ({latest.problem}); the{" "}
          {latest.checked?.toLocaleString("en-GB")} events before it are intact. Checked {when(latest.finishedAt!)}. Tell the platform&apos;s
          data-protection officer: an event has been altered or removed.
        </p>
      )}
      {latest?.status === "failed" && <p>The last check could not be completed ({latest.problem}).</p>}
      {pending ? (
        <p>
          A check is {pending.status === "running" ? "running now" : "waiting to start"} (requested {when(pending.requestedAt)}).
        </p>
      ) : (
        <form action={checkChainNow}>
          <button type="submit" className="button button--secondary">
            Check the chain now
          </button>
        </form>
      )}
    </section>
  );
}

function Filters({ filters, options }: { filters: AuditFilters; options: { organisations: { id: string; name: string }[]; actions: string[] } }) {
  return (
    <form method="get" action="/audit" className="filters" aria-label="Filter the audit trail">
      <div className="form-group">
        <label htmlFor="from">First day</label>
        <input type="date" id="from" name="from" defaultValue={filters.from ?? ""} />
      </div>
      <div className="form-group">
        <label htmlFor="to">Last day</label>
        <input type="date" id="to" name="to" defaultValue={filters.to ?? ""} />
      </div>
      <div className="form-group">
        <label htmlFor="actor">Who</label>
        <span className="hint" id="actor-hint">
          An e-mail address, or a system name such as system:matching
        </span>
        <input type="text" id="actor" name="actor" defaultValue={filters.actor ?? ""} aria-describedby="actor-hint" autoComplete="off" />
      </div>
      <div className="form-group">
        <label htmlFor="org">Organisation</label>
        <select id="org" name="org" defaultValue={filters.org ?? ""}>
          <option value="">All organisations</option>
          {options.organisations.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="action">Event type</label>
        <select id="action" name="action" defaultValue={filters.action ?? ""}>
          <option value="">All event types</option>
          {options.actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="batch">Upload batch</label>
        <span className="hint" id="batch-hint">
          The batch&apos;s identifier, as shown on its upload page
        </span>
        <input
          type="text"
          id="batch"
          name="batch"
          defaultValue={filters.batch ?? ""}
          aria-describedby="batch-hint"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="form-group">
        <button type="submit" className="button">
          Apply filters
        </button>
      </div>
    </form>
  );
}

function EventTable({ events }: { events: AuditRow[] }) {
  return (
    <table>
      <caption>Events, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">When (UK time)</th>
          <th scope="col">Who</th>
          <th scope="col">Organisation</th>
          <th scope="col">What</th>
          <th scope="col">Outcome</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>{e.id}</td>
            <td>{when(e.at)}</td>
            <td>
              {e.actor}
              {e.role && <span className="hint">{e.role}</span>}
            </td>
            <td>{e.organisation ?? "—"}</td>
            <td>
              {e.action}
              {e.targetType && (
                <span className="hint">
                  {e.targetType} {e.targetId}
                </span>
              )}
              {e.details && <span className="hint">{e.details}</span>}
            </td>
            <td>{e.outcome}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default definePage("audit", async ({ searchParams, actor: user }) => {
  const sp = await searchParams;
  const check = typeof sp.check === "string" ? sp.check : null;
  const cursor = typeof sp.after === "string" ? sp.after : undefined;
  let filters: AuditFilters = {};
  let problems: Record<string, string> | null = null;
  try {
    filters = parseAuditFilters(sp);
  } catch (e) {
    if (!(e instanceof AuditFilterError)) throw e;
    problems = e.fields;
  }
  const [status, options] = await Promise.all([auditChainStatus(user), auditFilterOptions(user)]);
  let result: { events: AuditRow[]; next: string | null } | null = null;
  if (!problems) {
    try {
      result = await listAuditEvents(user, { filters, cursor });
    } catch (e) {
      if (!(e instanceof AuditFilterError)) throw e;
      problems = e.fields;
    }
  }
  const platformWide = user.role === "administrator";
  return (
    <>
      <span className="caption">{platformWide ? "Administration" : user.orgName}</span>
      <h1>Audit trail</h1>
      <p className="lead">
        {platformWide
          ? "Every recorded action on the platform, from every organisation."
          : `The recorded actions of ${user.orgName} and everything done by others with its data (the platform operator's data-protection officer sees every organisation's).`}{" "}
        Events are never changed or deleted; each is chained to the one before it by a hash, so an altered or missing event is detected.
      </p>
      {check && CHECK_NOTICE[check] && (
        <div className={check === "unavailable" ? "notice-error" : "notice-success"} role="status">
          <p>{CHECK_NOTICE[check]}</p>
        </div>
      )}
      <ChainPanel status={status} />
      {problems && (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <ul>
            {Object.entries(problems).map(([field, message]) => (
              <li key={field}>
                <a href={`#${field === "cursor" ? "from" : field}`}>
                  {LABELS[field] ?? field}: {message}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <Filters filters={filters} options={options} />
      {result && (
        <>
          <p>
            <a href={`/api/audit/export${filtersQuery(filters)}`} download>
              Download every event these filters select (CSV)
            </a>
          </p>
          {result.events.length === 0 ? (
            <div className="panel">
              <h2>No events</h2>
              <p>{cursor ? "There are no older events for these filters." : "No recorded event matches these filters."}</p>
            </div>
          ) : (
            <EventTable events={result.events} />
          )}
          <nav aria-label="Pages of events" className="pagination">
            {cursor && <Link href={`/audit${filtersQuery(filters)}`}>Newest events</Link>}{" "}
            {result.next && <Link href={`/audit${filtersQuery(filters, { after: result.next })}`}>Older events</Link>}
          </nav>
        </>
      )}
    </>
  );
});
