import type { RunStatus } from "@/lib/dashboards/service";

const when = (d: Date | null) => (d ? d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" }) : "not yet");

/** The newest matching run: a progress bar while it runs, its outcome once it has finished. */
export function RunStatusPanel({ latest, liveVersion }: { latest: RunStatus | null; liveVersion: number | null }) {
  if (!latest) return null;
  if (latest.status === "queued" || latest.status === "running") {
    return (
      <div className="panel" role="status">
        <h2>
          Matching run {latest.version} is {latest.status === "queued" ? "waiting to start" : "running"}
        </h2>
        <label htmlFor={`run-${latest.id}`}>{latest.stage}</label>
        <progress id={`run-${latest.id}`} max={100} value={latest.progress}>
          {latest.progress}%
        </progress>
        <p className="hint">
          {latest.progress}% done.{" "}
          {liveVersion ? `The figures below are from run ${liveVersion} until this one finishes.` : "Figures appear when it finishes."} Reload the
          page to see progress.
        </p>
      </div>
    );
  }
  if (latest.status === "failed") {
    return (
      <div className="notice-error" role="status">
        <h2>Matching run {latest.version} failed</h2>
        <p>
          {latest.error ?? "The run stopped with an error."} {liveVersion ? `The figures below are still those of run ${liveVersion}.` : ""}
        </p>
      </div>
    );
  }
  // The live run is already named beside the figures; only a newer finished run is worth a line.
  if (latest.version === liveVersion) return null;
  return (
    <p className="hint">
      Latest matching run: {latest.version}, finished {when(latest.finishedAt)}.
    </p>
  );
}

export { when as formatWhen };
