import type { Metadata } from "next";
import { inboxOrganisations, listInboxes } from "@/lib/sftp/inbox";
import { pollNowAction } from "./actions";
import { InboxForm } from "./inbox-form";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "SFTP inboxes" };
export const dynamic = "force-dynamic";

export default definePage("admin.sftp", async ({ unit }) => {
  const ctx = unit;
  if (ctx.kind !== "admin") throw new Error("administrators act in the admin context");
  const [inboxes, orgs] = await Promise.all([listInboxes(ctx), inboxOrganisations(ctx)]);
  return (
    <>
      <span className="caption">Administration</span>
      <h1>SFTP inboxes</h1>
      <p className="lead">
        The platform collects files from each partner&apos;s SFTP inbox on a schedule, checks them exactly as a browser upload, moves them to{" "}
        <code>processed/</code> or <code>rejected/</code> and writes <code>&lt;file&gt;.result.json</code> beside them. A file is taken when a{" "}
        <code>&lt;file&gt;.done</code> marker exists or its size has not changed since the previous poll.
      </p>
      {inboxes.length === 0 ? (
        <div className="panel">
          <h2>No inboxes yet</h2>
          <p>Add one below for each partner that sends files over SFTP.</p>
        </div>
      ) : (
        <table>
          <caption>Configured inboxes</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              <th scope="col">Server</th>
              <th scope="col">Last poll</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {inboxes.map((i) => (
              <tr key={i.id}>
                <td>
                  {i.orgName}
                  {!i.enabled && <span className="hint">Not polled (disabled)</span>}
                </td>
                <td>
                  <code>
                    {i.username}@{i.host}:{i.port}
                    {i.directory}
                  </code>
                  <span className="hint">
                    Every {i.pollIntervalMinutes} min; key <code>{i.hostKeyFingerprint}</code>
                  </span>
                </td>
                <td>
                  {i.lastPolledAt ? i.lastPolledAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) : "Never"}
                  {i.lastResult && <span className="hint">{i.lastResult}</span>}
                </td>
                <td>
                  <form action={pollNowAction}>
                    <input type="hidden" name="inboxId" value={i.id} />
                    <button type="submit" className="button button--secondary">
                      Poll {i.orgName} now
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add or change an inbox</h2>
      <p>Saving for an organisation that already has an inbox replaces its settings.</p>
      <InboxForm orgs={orgs} />
    </>
  );
});
