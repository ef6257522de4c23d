import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { INCIDENT_KINDS, REPORTABLE_KINDS, reportFormOptions } from "@/lib/incidents/register";
import { readIncidentFlash } from "../_flash";
import { reportBreachAction } from "../actions";

export const metadata: Metadata = { title: "Report a breach" };
export const dynamic = "force-dynamic";

const LABELS: Record<string, string> = {
  agreementId: "Agreement",
  orgId: "Organisation",
  kind: "What happened",
  title: "Title",
  description: "Description",
  discoveredAt: "When it was discovered",
  form: "The report",
};

export default definePage("incidents.new", async ({ searchParams, actor: user }) => {
  const flash = await readIncidentFlash((await searchParams).f);
  const errors = flash?.errors ?? {};
  const v = flash?.values ?? {};
  const { agreements } = await reportFormOptions(user);
  const admin = user.role === "administrator";
  const err = (f: string) => (errors[f] ? `${f}-error` : undefined);
  const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(" ") || undefined;
  const parties = [...new Map(agreements.flatMap((a) => a.parties).map((p) => [p.id, p])).values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <>
      <Link href="/incidents">Back to the breach register</Link>
      <h1>Report a breach</h1>
      <p className="lead">
        Record it as soon as it is discovered. The data-protection contact of every party to the agreement is e-mailed at once; the platform&apos;s
        administrators take it from there (investigation, the decision on reporting to the ICO).
      </p>
      {Object.keys(errors).length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <ul>
            {Object.entries(errors).map(([f, m]) => (
              <li key={f}>
                <a href={`#${f === "form" ? "title" : f}`}>
                  {LABELS[f] ?? f}: {m}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {agreements.length === 0 ? (
        <div className="panel">
          <h2>No agreement to report under</h2>
          <p>Your organisation is not a party to any data-sharing agreement. Tell the platform administrators directly.</p>
        </div>
      ) : (
        <form action={reportBreachAction} noValidate>
          <div className="form-group">
            <label htmlFor="agreementId">Agreement the data was shared under</label>
            {errors.agreementId && (
              <span className="error-message" id="agreementId-error">
                {errors.agreementId}
              </span>
            )}
            <select
              id="agreementId"
              name="agreementId"
              defaultValue={v.agreementId ?? (agreements.length === 1 ? agreements[0]!.id : "")}
              aria-describedby={err("agreementId")}
              aria-invalid={!!errors.agreementId || undefined}
            >
              <option value="">Choose an agreement</option>
              {agreements.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
          {admin && (
            <div className="form-group">
              <label htmlFor="orgId">Organisation where it happened</label>
              <span className="hint" id="orgId-hint">
                A party to the agreement. Leave empty if it happened at the platform itself.
              </span>
              {errors.orgId && (
                <span className="error-message" id="orgId-error">
                  {errors.orgId}
                </span>
              )}
              <select
                id="orgId"
                name="orgId"
                defaultValue={v.orgId ?? ""}
                aria-describedby={describedBy("orgId-hint", err("orgId"))}
                aria-invalid={!!errors.orgId || undefined}
              >
                <option value="">The platform</option>
                {parties.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <fieldset className="form-group" aria-describedby={err("kind")}>
            <legend>What happened</legend>
            {errors.kind && (
              <span className="error-message" id="kind-error">
                {errors.kind}
              </span>
            )}
            {REPORTABLE_KINDS.map((k, i) => (
              <div key={k} className="checkboxes">
                <input type="radio" id={i === 0 ? "kind" : `kind-${k}`} name="kind" value={k} defaultChecked={v.kind === k} />
                <label htmlFor={i === 0 ? "kind" : `kind-${k}`}>{INCIDENT_KINDS[k]}</label>
              </div>
            ))}
          </fieldset>
          <div className="form-group">
            <label htmlFor="title">Title</label>
            <span className="hint" id="title-hint">
              A few words, for example &quot;Laptop left on a train&quot;
            </span>
            {errors.title && (
              <span className="error-message" id="title-error">
                {errors.title}
              </span>
            )}
            <input
              type="text"
              id="title"
              name="title"
              maxLength={200}
              defaultValue={v.title ?? ""}
              aria-describedby={describedBy("title-hint", err("title"))}
              aria-invalid={!!errors.title || undefined}
            />
          </div>
          <div className="form-group">
            <label htmlFor="description">Description</label>
            <span className="hint" id="description-hint">
              What happened, what data was involved (no personal data here), who knows, and what has been done so far
            </span>
            {errors.description && (
              <span className="error-message" id="description-error">
                {errors.description}
              </span>
            )}
            <textarea
              id="description"
              name="description"
              rows={6}
              maxLength={5000}
              defaultValue={v.description ?? ""}
              aria-describedby={describedBy("description-hint", err("description"))}
              aria-invalid={!!errors.description || undefined}
            />
          </div>
          <div className="form-group">
            <label htmlFor="discoveredAt">When it was discovered (UK time)</label>
            {errors.discoveredAt && (
              <span className="error-message" id="discoveredAt-error">
                {errors.discoveredAt}
              </span>
            )}
            <input
              type="datetime-local"
              id="discoveredAt"
              name="discoveredAt"
              defaultValue={v.discoveredAt ?? ""}
              aria-describedby={err("discoveredAt")}
              aria-invalid={!!errors.discoveredAt || undefined}
            />
          </div>
          <button type="submit" className="button">
            Record the breach and notify every party
          </button>
        </form>
      )}
    </>
  );
});
