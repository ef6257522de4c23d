import type { Metadata } from "next";
import { matchRates } from "@/lib/matching/rates";
import { formatWhen } from "@/components/dashboard/run-status";
import { LiveRunProgress } from "@/components/matching/live-progress";
import { runMatchingNow } from "./actions";
import { definePage } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";

export const metadata: Metadata = { title: "Matching and match rates" };
export const dynamic = "force-dynamic";

const STATUS_TAG: Record<string, string> = { succeeded: "tag tag--green", failed: "tag tag--red", running: "tag", queued: "tag tag--grey" };
const REQUESTED: Record<string, string> = {
  queued: "A matching run has been queued. It starts as soon as a worker is free.",
  "already-queued": "A matching run is already waiting to start; it will include every loaded extract.",
  unavailable: "The run could not be queued just now. Try again in a few minutes.",
  "agreement-ended": "The agreement has ended, so its data is no longer matched. It is kept only until it is destroyed.",
};

export default definePage("matching", async ({ actor: user, unit, searchParams, log }) => {
  const requested = searchParams.requested;
  const data = await matchRates(unit).catch((e: unknown) => {
    log.error(errFields(e), "match rates failed");
    return null;
  });
  const own = user.role === "partner_analyst";
  const canRun = user.role === "researcher" || user.role === "administrator";
  const running = data?.history.find((h) => h.status === "running" || h.status === "queued");
  return (
    <>
      {own && <span className="caption">{user.orgName}</span>}
      <h1>Matching and match rates</h1>
      <p className="lead">
        The platform links the partners&apos; extracts on the pseudonymised household and person keys. A run starts after every loaded or withdrawn
        extract; {own ? "you see the match rates of your organisation's datasets." : "match rates of every dataset are shown."}
      </p>
      {typeof requested === "string" && REQUESTED[requested] && (
        <div className={requested === "unavailable" || requested === "agreement-ended" ? "notice-error" : "notice-success"} role="status">
          <p>{REQUESTED[requested]}</p>
        </div>
      )}
      {!data ? (
        <div className="notice-error" role="alert">
          <h2>Match rates could not be shown</h2>
          <p>Something went wrong on our side and has been logged. Try again in a few minutes.</p>
        </div>
      ) : (
        <>
          {running && (
            <LiveRunProgress
              key={running.id}
              initial={{ id: running.id, version: running.version, status: running.status, progress: running.progress, stage: running.stage }}
            />
          )}
          {canRun && (
            <form action={runMatchingNow}>
              <button type="submit" className="button button--secondary">
                Run matching now
              </button>
            </form>
          )}
          {data.runVersion === null ? (
            <div className="panel">
              <h2>No matching run yet</h2>
              <p>Match rates appear once the first matching run has finished.</p>
            </div>
          ) : (
            <>
              <h2>Match rates in run {data.runVersion}</h2>
              <p className="hint">
                Finished {formatWhen(data.runFinishedAt)}. A key is matched when the school-readiness cohort has the same key (for the cohort itself:
                when the child links to at least one other dataset).
              </p>
              {data.rates.length === 0 ? (
                <p>None of your organisation&apos;s extracts is in this run.</p>
              ) : (
                <table>
                  <caption>Match rates by dataset, run {data.runVersion}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Dataset</th>
                      {!own && <th scope="col">Partner</th>}
                      <th scope="col">Linked on</th>
                      <th scope="col">Extract loaded</th>
                      <th scope="col" className="num">
                        Rows
                      </th>
                      <th scope="col" className="num">
                        Distinct keys
                      </th>
                      <th scope="col" className="num">
                        Matched keys
                      </th>
                      <th scope="col" className="num">
                        Match rate (%)
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.rates.map((r) => (
                      <tr key={`${r.dataset}-${r.partner}-${r.keyColumn}`}>
                        <th scope="row">{r.dataset}</th>
                        {!own && <td>{r.partner}</td>}
                        <td>{r.keyColumn}</td>
                        <td>{formatWhen(r.loadedAt)}</td>
                        <td className="num">{r.rows}</td>
                        <td className="num">{r.keys}</td>
                        <td className="num">{r.matched}</td>
                        <td className="num">{r.rate}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {data.note && <p className="hint">{data.note}</p>}
              {own && (
                <>
                  <h2>Key quality</h2>
                  {data.warnings.length === 0 ? (
                    <p>No key-quality problems were found in your extracts.</p>
                  ) : (
                    <ul>
                      {data.warnings.map((w, i) => (
                        <li key={i}>
                          <strong>
                            {w.dataset}, {w.keyColumn}:
                          </strong>{" "}
                          {w.detail}
                        </li>
                      ))}
                    </ul>
                  )}
                </>
              )}
            </>
          )}
          {!own && data.history.length > 0 && (
            <>
              <h2>Recent runs</h2>
              <table>
                <caption>Recent matching runs, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Status</th>
                    <th scope="col">Started by</th>
                    <th scope="col">Queued</th>
                    <th scope="col">Finished</th>
                  </tr>
                </thead>
                <tbody>
                  {data.history.map((h) => (
                    <tr key={h.id}>
                      <th scope="row">
                        {h.version}
                        {h.live && <span className="visually-hidden"> (live)</span>}
                      </th>
                      <td>
                        <span className={STATUS_TAG[h.status] ?? "tag"}>{h.status}</span> {h.live && <span className="tag tag--green">live</span>}
                        {h.status === "failed" && h.error && <span className="hint"> {h.error}</span>}
                      </td>
                      <td>{h.trigger.replace("-", " ")}</td>
                      <td>{formatWhen(h.createdAt)}</td>
                      <td>{formatWhen(h.finishedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </>
  );
});
