import type { Metadata } from "next";
import Link from "next/link";
import { listOutbox, MAIL_STATUSES, type MailStatus, type OutboxItem } from "@/lib/mail/admin";
import { mailRoute } from "@/lib/mail/transport";
import { retryMailAction } from "./actions";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Sent mail" };
export const dynamic = "force-dynamic";

const when = (d: Date) => d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

function statusText(m: OutboxItem): { label: string; hint: string | null } {
  if (m.status === "sent")
    return { label: "Delivered", hint: m.sentAt ? `${when(m.sentAt)}${m.deliveredVia ? `, via ${m.deliveredVia}` : ""}` : null };
  if (m.status === "failed") return { label: "Failed", hint: `${m.attempts} attempts; tried again automatically from ${when(m.nextAttemptAt)}` };
  if (m.attempts > 0) return { label: "Retrying", hint: `${m.attempts} failed attempt${m.attempts === 1 ? "" : "s"} so far` };
  return { label: "Waiting to be sent", hint: null };
}

export default definePage("admin.mail", async ({ unit, searchParams }) => {
  const ctx = unit;
  if (ctx.kind !== "admin") throw new Error("administrators act in the admin context");
  const sp = searchParams;
  const wanted = typeof sp.status === "string" ? sp.status : "";
  const status = (MAIL_STATUSES as readonly string[]).includes(wanted) ? (wanted as MailStatus) : undefined;
  const retried = typeof sp.retried === "string" ? sp.retried : null;
  const { items, summary } = await listOutbox(ctx, { status });
  const route = mailRoute();

  return (
    <>
      <span className="caption">Administration</span>
      <h1>Sent mail</h1>
      <p className="lead">
        Every e-mail the platform sends (activation links, incident notices and other notices) and whether it was delivered. A message that cannot be
        delivered is retried with increasing waits, then shown as failed here and tried again hourly; it is never dropped.
      </p>
      <p>
        {route.kind === "smtp" && <>Mail is sent through the mail server {route.host} (SMTP_URL).</>}
        {route.kind === "embedded" && (
          <>
            No mail server is configured (SMTP_URL), so the platform&apos;s embedded mail server receives every message and keeps it here: open a
            delivered message to read it as its recipient would.
          </>
        )}
        {route.kind === "none" && <>This process has no mail server: messages wait here until the portal is started with one.</>}
      </p>
      {retried && (
        <div className={retried === "1" ? "notice-success" : "error-summary"} role={retried === "1" ? "status" : "alert"}>
          <p>{retried === "1" ? "The message will be tried again now." : retried}</p>
        </div>
      )}
      {summary.failed > 0 && (
        <div className="error-summary" role="alert">
          <h2>
            {summary.failed} message{summary.failed === 1 ? "" : "s"} could not be delivered
          </h2>
          <p>Check the error shown with each, fix the mail server or address, and try again.</p>
        </div>
      )}
      <nav aria-label="Filter by status">
        <ul className="filter-links">
          {[
            ["", `All (${summary.pending + summary.retrying + summary.sent + summary.failed})`],
            ["pending", `Waiting or retrying (${summary.pending + summary.retrying})`],
            ["failed", `Failed (${summary.failed})`],
            ["sent", `Delivered (${summary.sent})`],
          ].map(([value, label]) => (
            <li key={value}>
              <Link href={value ? `/admin/mail?status=${value}` : "/admin/mail"} aria-current={(status ?? "") === value ? "page" : undefined}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {items.length === 0 ? (
        <div className="panel">
          <h2>No messages</h2>
          <p>{status ? "No message has this status." : "The platform has not sent any e-mail yet."}</p>
        </div>
      ) : (
        <table>
          <caption>{items.length} messages, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Queued</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => {
              const s = statusText(m);
              return (
                <tr key={m.id}>
                  <td>{when(m.createdAt)}</td>
                  <td>
                    {m.to}
                    {m.orgName && <span className="hint">{m.orgName}</span>}
                  </td>
                  <td>
                    {m.receivedId ? <Link href={`/admin/mail/${m.receivedId}`}>{m.subject}</Link> : m.subject}
                    <span className="hint">{m.kind}</span>
                  </td>
                  <td>
                    <strong>{s.label}</strong>
                    {s.hint && <span className="hint">{s.hint}</span>}
                    {m.status !== "sent" && m.lastError && <span className="hint">Last error: {m.lastError}</span>}
                  </td>
                  <td>
                    {m.status !== "sent" ? (
                      <form action={retryMailAction}>
                        <input type="hidden" name="mailId" value={m.id} />
                        <button type="submit" className="button button--secondary">
                          Try again now
                          <span className="visually-hidden">
                            {" "}
                            to send “{m.subject}” to {m.to}
                          </span>
                        </button>
                      </form>
                    ) : (
                      <span className="hint">None needed</span>
                    )}
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
