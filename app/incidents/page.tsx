import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { INCIDENT_KINDS, INCIDENT_STATUSES, incidentClock, listIncidentRegister } from "@/lib/incidents/register";

export const metadata: Metadata = { title: "Breach register" };
export const dynamic = "force-dynamic";

const when = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });

export default definePage("incidents", async ({ actor: user }) => {
  const incidents = await listIncidentRegister(user);
  const now = new Date();
  const admin = user.role === "administrator";
  return (
    <>
      <span className="caption">{admin ? "Administration" : user.orgName}</span>
      <h1>Breach register</h1>
      <p className="lead">
        Data-protection incidents: lost devices, outputs published without approval, data sent to the wrong recipient. Every party of the agreement is
        e-mailed as soon as one is recorded; the agreement requires that within 24 hours of discovery.
        {admin ? "" : " You see your organisation's incidents."}
      </p>
      <p>
        <Link href="/incidents/new" className="button">
          Report a breach
        </Link>
      </p>
      {admin && (
        <p>
          Files that arrived un-pseudonymised are listed under <Link href="/admin/incidents">identifier incidents</Link>.
        </p>
      )}
      {incidents.length === 0 ? (
        <div className="panel">
          <h2>No incidents recorded</h2>
          <p>No breach has been reported{admin ? "" : " by or about your organisation"}.</p>
        </div>
      ) : (
        <table>
          <caption>{incidents.length} incidents, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Incident</th>
              <th scope="col">Organisation</th>
              <th scope="col">What happened</th>
              <th scope="col">Status</th>
              <th scope="col">Since discovery</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => {
              const c = incidentClock(i, now);
              return (
                <tr key={i.id}>
                  <td>
                    <Link href={`/incidents/${i.id}`}>{i.reference}</Link>
                    <span className="hint">{i.title}</span>
                  </td>
                  <td>
                    {i.orgName}
                    <span className="hint">{i.agreementName}</span>
                  </td>
                  <td>{INCIDENT_KINDS[i.kind]}</td>
                  <td>
                    {INCIDENT_STATUSES[i.status]}
                    {i.ownerName && <span className="hint">Owner: {i.ownerName}</span>}
                  </td>
                  <td>
                    {c.hours} h {c.minutes} min
                    <span className="hint">
                      {c.settled
                        ? "decided"
                        : c.overdue
                          ? "past the 24-hour deadline"
                          : c.warn
                            ? "escalated: report due soon"
                            : `discovered ${when(i.discoveredAt)}`}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
});
