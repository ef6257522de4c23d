import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { AUDIENCE_LABELS, listRequests, outputCatalogue, type RequestSummary } from "@/lib/release";
import { createDraftAction } from "../actions";
import { readReleaseFlash } from "../_flash";
import { FieldError, ReleaseNotices, StatusTag, one, when } from "../_ui";

export const metadata: Metadata = { title: "Release requests" };
export const dynamic = "force-dynamic";

function RequestTable({ caption, rows }: { caption: string; rows: RequestSummary[] }) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">Version</th>
          <th scope="col">Requested by</th>
          <th scope="col">Status</th>
          <th scope="col">Submitted</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row">
              <Link href={`/releases/requests/${r.id}`}>{r.title}</Link>
              {r.awaitingYou && (
                <>
                  {" "}
                  <strong className="tag">Waiting for you</strong>
                </>
              )}
            </th>
            <td>{r.version}</td>
            <td>
              {r.requestedBy}, {r.organisation}
            </td>
            <td>
              <StatusTag status={r.status} />
              {r.hasNewerVersion && <span className="hint"> (a newer version exists)</span>}
            </td>
            <td>{when(r.submittedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default definePage("releases.requests", async ({ searchParams, actor: user }) => {
  const params = await searchParams;
  const flash = await readReleaseFlash(params.f);
  const requests = await listRequests(user);

  if (user.role === "approver") {
    const waiting = requests.filter((r) => r.awaitingYou);
    const others = requests.filter((r) => !r.awaitingYou);
    return (
      <>
        <h1>Release requests</h1>
        <p className="lead">
          Nothing leaves the platform for publication without your approval. Each request shows its outputs exactly as they would be released, with
          the platform&apos;s disclosure check beside them.
        </p>
        <ReleaseNotices flash={flash} />
        <h2>Waiting for your approval</h2>
        {waiting.length === 0 ? (
          <p className="inset">No request is waiting for your decision.</p>
        ) : (
          <RequestTable caption="Requests waiting for your decision" rows={waiting} />
        )}
        <h2>Other requests of your agreements</h2>
        {others.length === 0 ? <p>None yet.</p> : <RequestTable caption="Other release requests" rows={others} />}
        <p>
          <Link href="/releases">Register of releases</Link>
        </p>
      </>
    );
  }

  // A table chosen on the dashboard arrives by its definition (table and filters).
  const table = one(params.table) ?? "";
  const year = one(params.year) ?? "";
  const district = one(params.district) ?? "";
  const catalogue = await outputCatalogue(user);
  const chosen = catalogue?.tables.find((t) => t.id === table);
  const drafts = requests.filter((r) => r.status === "draft");
  const v = flash?.values ?? {};
  return (
    <>
      <h1>Release requests</h1>
      <p className="lead">
        To publish a table or figure, or share it outside the platform, ask for it to be released. The platform checks it for disclosure risk; the
        agreement&apos;s approvers decide.
      </p>
      <ReleaseNotices flash={flash} />
      {chosen && (
        <div className="panel">
          <h2>Add &ldquo;{chosen.title}&rdquo;</h2>
          <p>
            For {year ? `assessment year ${year}` : "all assessment years"}, {district ? `school district ${district}` : "all school districts"}. Add
            it to one of your drafts below (open the draft and choose it), or start a new request with it.
          </p>
        </div>
      )}
      <h2>Your organisation&apos;s requests</h2>
      {requests.length === 0 ? (
        <p className="inset">No release requests yet.</p>
      ) : (
        <RequestTable caption="Release requests of your organisation" rows={requests} />
      )}
      {drafts.length > 0 && chosen && (
        <ul>
          {drafts.map((d) => (
            <li key={d.id}>
              <Link
                href={`/releases/requests/${d.id}?table=${encodeURIComponent(table)}&year=${encodeURIComponent(year)}&district=${encodeURIComponent(district)}#add-output`}
              >
                Add it to &ldquo;{d.title}&rdquo;
              </Link>
            </li>
          ))}
        </ul>
      )}
      <h2 id="new-request">Start a new request</h2>
      {!catalogue ? (
        <p className="inset">There is no live matching run yet, so there is nothing to release.</p>
      ) : (
        <form action={createDraftAction} noValidate>
          <input type="hidden" name="table" value={chosen ? table : ""} />
          <input type="hidden" name="year" value={chosen ? year : ""} />
          <input type="hidden" name="district" value={chosen ? district : ""} />
          <div className="form-group">
            <label htmlFor="title">Title</label>
            <FieldError flash={flash} field="title" />
            <input
              id="title"
              name="title"
              type="text"
              maxLength={200}
              defaultValue={v.title ?? ""}
              aria-describedby={flash?.field === "title" ? "title-error" : undefined}
            />
          </div>
          <div className="form-group">
            <label htmlFor="purpose">Purpose</label>
            <span className="hint" id="purpose-hint">
              What the outputs are for, and where they will appear.
            </span>
            <textarea id="purpose" name="purpose" rows={4} maxLength={4000} defaultValue={v.purpose ?? ""} aria-describedby="purpose-hint" />
          </div>
          <fieldset className="form-group">
            <legend>Intended audience</legend>
            {(Object.keys(AUDIENCE_LABELS) as (keyof typeof AUDIENCE_LABELS)[]).map((a) => (
              <div key={a}>
                <input type="radio" id={`audience-${a}`} name="audience" value={a} defaultChecked={(v.audience ?? "publication") === a} />{" "}
                <label htmlFor={`audience-${a}`}>{AUDIENCE_LABELS[a]}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" className="button">
            {chosen ? `Start a request with “${chosen.title}”` : "Start the request"}
          </button>
        </form>
      )}
      <p>
        <Link href="/releases">Register of releases</Link>
      </p>
    </>
  );
});
