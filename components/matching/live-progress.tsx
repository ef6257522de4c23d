"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

export interface LiveRun {
  id: string;
  version: number;
  status: string;
  progress: number;
  stage: string;
}

/**
 * A running or queued matching run's progress, kept up to date from the NDJSON stream of
 * /api/matching/runs/<id>/progress (the upload page's approach). When the run ends, the page is
 * refreshed so the new match rates appear. Without JavaScript it is the server-rendered state with
 * an invitation to reload.
 */
export function LiveRunProgress({ initial }: { initial: LiveRun }) {
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const [live, setLive] = useState(false);
  const [lost, setLost] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    let finished = false;
    (async () => {
      try {
        const res = await fetch(`/api/matching/runs/${initial.id}/progress`, { signal: abort.signal, cache: "no-store" });
        if (!res.ok || !res.body) throw new Error(String(res.status));
        setLive(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let nl: number;
          while ((nl = buffer.indexOf("\n")) !== -1) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            try {
              const ev = JSON.parse(line) as { type: string; run?: LiveRun };
              if (ev.type === "progress" && ev.run) {
                setRun(ev.run);
                if (ev.run.status === "succeeded" || ev.run.status === "failed") finished = true;
              }
            } catch {
              // Not an event: ignored; the stream's end decides what happens next.
            }
          }
        }
        if (finished) router.refresh();
        else setLost(true);
      } catch {
        if (!abort.signal.aborted) setLost(true);
      } finally {
        setLive(false);
      }
    })();
    return () => abort.abort();
  }, [initial.id, router]);

  const done = run.status === "succeeded" || run.status === "failed";
  const heading = done
    ? `Matching run ${run.version} ${run.status === "succeeded" ? "has finished" : "failed"}`
    : `Matching run ${run.version} is ${run.status === "queued" ? "waiting to start" : "running"}`;
  return (
    <div className="panel" role="status" aria-live="polite" data-testid="run-progress">
      <h2>{heading}</h2>
      <label htmlFor="run-progress">{run.stage}</label>
      <progress id="run-progress" max={100} value={run.progress}>
        {run.progress}%
      </progress>
      <p className="hint">
        {run.progress}% done.{" "}
        {live
          ? "This updates by itself."
          : lost
            ? "Live updates stopped: reload the page to see progress."
            : done
              ? ""
              : "Reload the page to see progress."}
      </p>
    </div>
  );
}
