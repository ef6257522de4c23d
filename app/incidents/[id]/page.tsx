import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { definePage } from "@/lib/http/adapter";
import { plural } from "@/lib/text/plural";
import {
  getIncident,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  incidentClock,
  incidentOwners,
  nextStatuses,
  REPORT_WITHIN_HOURS,
} from "@/lib/incidents/register";
import { readIncidentFlash } from "../_flash";
import { addNoteAction, assignOwnerAction, changeStatusAction } from "../actions";

export const metadata: Metadata = { title: "Incident" };
export const dynamic = "force-dynamic";

const when = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });

const LABELS: Record<string, string> = {
  to: "New status",
  icoReference: "ICO reference",
  reason: "Reason",
  lessons: "Lessons learned",
  ownerId: "Owner",
  note: "Note",
  form: "The change",
};

export default definePage("incidents.incident", async ({ params, searchParams, actor: user }) => {
  const { id } = await params;
  const incident = await getIncident(user, id);
  if (!incident) notFound();
  const flash = await readIncidentFlash((await searchParams).f);
  const errors = flash?.errors ?? {};
  const v = flash?.values ?? {};
  const admin = user.role === "administrator";
  const owners = admin ? await incidentOwners(user) : [];
  const clock = incidentClock(incident);
  const next = nextStatuses(incident.status);
  const err = (f: string) => (errors[f] ? `${f}-error` : undefined);
  return (
    <>
      <Link href="/incidents">Back to the breach register</Link>
      <span className="caption">
        {incident.reference} · {incident.orgName}
      </span>
      <h1>{incident.title}</h1>
      {flash?.notice && (
        <div className="notice-success" role="status">
          <p>{flash.notice}</p>
        </div>
      )}
      {Object.keys(errors).length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <ul>
            {Object.entries(errors).map(([f, m]) => (
              <li key={f}>
                <a href={`#${f === "form" ? "note" : f}`}>
                  {LABELS[f] ?? f}: {m}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <section className={clock.overdue || clock.warn ? "error-summary" : "panel"} aria-labelledby="clock-heading">
        <h2 id="clock-heading">
          {plural(clock.hours, "hour")} {plural(clock.minutes, "minute")} since discovery
        </h2>
        <p>
          Discovered {when(incident.discoveredAt)}; recorded {when(incident.recordedAt)}.{" "}
          {clock.settled
            ? "The decision on reporting has been made."
            : clock.overdue
              ? `The agreement's ${REPORT_WITHIN_HOURS}-hour deadline has passed without a report.`
              : clock.warn
                ? `Report due within ${REPORT_WITHIN_HOURS} hours of discovery: the administrators have been alerted.`
                : `Report due within ${REPORT_WITHIN_HOURS} hours of discovery.`}
        </p>
        {incident.partiesNotifiedAt && <p>Every party of the agreement was e-mailed {when(incident.partiesNotifiedAt)}.</p>}
      </section>
      <dl className="summary-list">
        <dt>Status</dt>
        <dd>{INCIDENT_STATUSES[incident.status]}</dd>
        <dt>What happened</dt>
        <dd>{INCIDENT_KINDS[incident.kind]}</dd>
        <dt>Agreement</dt>
        <dd>{incident.agreementName}</dd>
        <dt>Owner</dt>
        <dd>{incident.ownerName ?? "Not assigned yet"}</dd>
        {incident.icoReference && (
          <>
            <dt>ICO reference</dt>
            <dd>{incident.icoReference}</dd>
          </>
        )}
        {incident.notReportableReason && (
          <>
            <dt>Why not reportable</dt>
            <dd>{incident.notReportableReason}</dd>
          </>
        )}
        {incident.lessonsLearned && (
          <>
            <dt>Lessons learned</dt>
            <dd>{incident.lessonsLearned}</dd>
          </>
        )}
      </dl>
      <h2>Description</h2>
      <p style={{ whiteSpace: "pre-wrap" }}>{incident.description}</p>

      {admin && next.length > 0 && (
        <form action={changeStatusAction.bind(null, incident.id)} noValidate>
          <h2>Move it on</h2>
          <div className="form-group">
            <label htmlFor="to">New status</label>
            {errors.to && (
              <span className="error-message" id="to-error">
                {errors.to}
              </span>
            )}
            <select id="to" name="to" defaultValue={v.to ?? next[0]} aria-describedby={err("to")}>
              {next.map((s) => (
                <option key={s} value={s}>
                  {INCIDENT_STATUSES[s]}
                </option>
              ))}
            </select>
          </div>
          {next.includes("reported") && (
            <div className="form-group">
              <label htmlFor="icoReference">ICO reference (when reporting to the ICO)</label>
              {errors.icoReference && (
                <span className="error-message" id="icoReference-error">
                  {errors.icoReference}
                </span>
              )}
              <input type="text" id="icoReference" name="icoReference" defaultValue={v.icoReference ?? ""} aria-describedby={err("icoReference")} />
            </div>
          )}
          {next.includes("not_reportable") && (
            <div className="form-group">
              <label htmlFor="reason">Reason (when not reportable)</label>
              {errors.reason && (
                <span className="error-message" id="reason-error">
                  {errors.reason}
                </span>
              )}
              <textarea id="reason" name="reason" rows={3} defaultValue={v.reason ?? ""} aria-describedby={err("reason")} />
            </div>
          )}
          {next.includes("closed") && (
            <div className="form-group">
              <label htmlFor="lessons">Lessons learned</label>
              {errors.lessons && (
                <span className="error-message" id="lessons-error">
                  {errors.lessons}
                </span>
              )}
              <textarea id="lessons" name="lessons" rows={3} defaultValue={v.lessons ?? ""} aria-describedby={err("lessons")} />
            </div>
          )}
          <button type="submit" className="button">
            Save the status
          </button>
        </form>
      )}

      {admin && (
        <form action={assignOwnerAction.bind(null, incident.id)}>
          <div className="form-group">
            <label htmlFor="ownerId">Owner</label>
            {errors.ownerId && (
              <span className="error-message" id="ownerId-error">
                {errors.ownerId}
              </span>
            )}
            <select id="ownerId" name="ownerId" defaultValue={incident.ownerId ?? ""} aria-describedby={err("ownerId")}>
              <option value="">Choose an administrator</option>
              {owners.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--secondary">
            Assign
          </button>
        </form>
      )}

      <h2>Timeline</h2>
      <table>
        <caption className="visually-hidden">What happened to this incident, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {incident.timeline.map((e, i) => (
            <tr key={i}>
              <td>{when(e.at)}</td>
              <td>{e.actor}</td>
              <td style={{ whiteSpace: "pre-wrap" }}>{e.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form action={addNoteAction.bind(null, incident.id)} noValidate>
        <div className="form-group">
          <label htmlFor="note">Add a note</label>
          {errors.note && (
            <span className="error-message" id="note-error">
              {errors.note}
            </span>
          )}
          <textarea id="note" name="note" rows={3} maxLength={5000} defaultValue={v.note ?? ""} aria-describedby={err("note")} />
        </div>
        <button type="submit" className="button button--secondary">
          Add the note
        </button>
      </form>
    </>
  );
});
