"use client";

import { useRef, useState, type FormEvent } from "react";
import { BATCH_PERIOD_HTML_PATTERN, checkBatchPeriod } from "@/lib/datasets/period";
import { formatBytes, formatCount } from "./format";

export interface DatasetOption {
  id: string;
  title: string;
  supplier: string;
  needsPeriod: boolean;
}

type Phase =
  | { kind: "idle" }
  | { kind: "sending"; sent: number; total: number; rows: number }
  | { kind: "loading"; rows: number }
  | { kind: "done"; status: string; message: string; resultUrl: string }
  | { kind: "failed"; message: string };

interface ServerEvent {
  type: "accepted" | "progress" | "result" | "error";
  phase?: "receiving" | "loading";
  rows?: number;
  message?: string;
  result?: { status: string; message: string; resultUrl: string };
}

/**
 * Enhances the plain upload form: with JavaScript the file is sent as the raw request body so the
 * server can stream it, with a progress bar (bytes sent, then rows validated and loaded) and a
 * Cancel button. Without JavaScript the same form posts to the multipart fallback.
 */
export function UploadForm({
  datasets,
  maxBytes,
  formMaxBytes,
  error,
}: {
  datasets: DatasetOption[];
  maxBytes: number;
  formMaxBytes: number;
  error?: string;
}) {
  const [dataset, setDataset] = useState("");
  const [phase, setPhase] = useState<Phase>(error ? { kind: "failed", message: error } : { kind: "idle" });
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const xhrRef = useRef<XMLHttpRequest | null>(null);
  const needsPeriod = datasets.find((d) => d.id === dataset)?.needsPeriod ?? false;
  const busy = phase.kind === "sending" || phase.kind === "loading";

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const file = data.get("file");
    const ds = String(data.get("dataset") ?? "");
    const period = String(data.get("period") ?? "").trim();
    setFieldError(null);
    if (!ds) return setFieldError({ field: "dataset", message: "Choose which dataset the file is" });
    const periodProblem = checkBatchPeriod({ title: ds, needsPeriod }, needsPeriod ? period || null : null);
    if (periodProblem) return setFieldError({ field: "period", message: periodProblem.fieldMessage });
    if (!(file instanceof File) || file.size === 0)
      return setFieldError({ field: "file", message: "Choose a CSV file to upload; the file must not be empty" });
    if (file.size > maxBytes)
      return setFieldError({
        field: "file",
        message: `The file is ${formatBytes(file.size)}; the browser upload takes up to ${formatBytes(maxBytes)}. Use SFTP for larger files`,
      });

    const q = new URLSearchParams({ dataset: ds, filename: file.name });
    if (needsPeriod) q.set("period", period);
    if (data.get("loadValidRows")) q.set("loadValidRows", "1");
    const xhr = new XMLHttpRequest();
    xhrRef.current = xhr;
    let seen = 0;
    let settled = false;
    const handle = (ev: ServerEvent) => {
      if (ev.type === "progress" && ev.phase === "loading") setPhase({ kind: "loading", rows: ev.rows ?? 0 });
      else if (ev.type === "progress") setPhase((p) => (p.kind === "sending" ? { ...p, rows: ev.rows ?? 0 } : p));
      else if (ev.type === "result" && ev.result) {
        settled = true;
        setPhase({ kind: "done", ...ev.result });
      } else if (ev.type === "error") {
        settled = true;
        setPhase({ kind: "failed", message: ev.message ?? "The upload failed." });
      }
    };
    const readEvents = () => {
      const text = xhr.responseText;
      let nl: number;
      while ((nl = text.indexOf("\n", seen)) !== -1) {
        const line = text.slice(seen, nl);
        seen = nl + 1;
        try {
          handle(JSON.parse(line) as ServerEvent);
        } catch {
          // A line that is not an event (a proxy's error page) is reported when the request ends.
        }
      }
    };
    xhr.open("POST", `/api/uploads?${q.toString()}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.upload.onprogress = (p) =>
      setPhase((s) => ({ kind: "sending", sent: p.loaded, total: p.total || file.size, rows: s.kind === "sending" ? s.rows : 0 }));
    xhr.onprogress = readEvents;
    xhr.onload = () => {
      readEvents();
      if (settled) return;
      let message = `The upload failed (HTTP ${xhr.status}).`;
      try {
        message = (JSON.parse(xhr.responseText) as { message?: string }).message ?? message;
      } catch {
        // Keep the generic message.
      }
      setPhase({ kind: "failed", message });
    };
    xhr.onerror = () => setPhase({ kind: "failed", message: "The connection to the portal was lost. Nothing was loaded; try again." });
    xhr.onabort = () => setPhase({ kind: "failed", message: "You cancelled the upload. Nothing was loaded." });
    setPhase({ kind: "sending", sent: 0, total: file.size, rows: 0 });
    xhr.send(file);
  }

  const errorId = (f: string) => (fieldError?.field === f ? `${f}-error` : undefined);
  return (
    <>
      {fieldError && (
        <div className="notice-error" role="alert" tabIndex={-1}>
          <h2>There is a problem</h2>
          <p>
            <a href={`#${fieldError.field}`}>{fieldError.message}</a>
          </p>
        </div>
      )}
      <form action="/api/uploads/form" method="post" encType="multipart/form-data" onSubmit={submit} noValidate>
        <div className="form-group">
          <label htmlFor="dataset">Dataset</label>
          <span className="hint" id="dataset-hint">
            Which extract this file is. Each dataset has its own columns: see the data specification.
          </span>
          {errorId("dataset") && (
            <span className="error-message" id="dataset-error">
              {fieldError!.message}
            </span>
          )}
          <select
            id="dataset"
            name="dataset"
            value={dataset}
            onChange={(e) => setDataset(e.target.value)}
            aria-describedby={["dataset-hint", errorId("dataset")].filter(Boolean).join(" ")}
            aria-invalid={errorId("dataset") ? true : undefined}
            disabled={busy}
            required
          >
            <option value="">Choose a dataset</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.title} ({d.supplier})
              </option>
            ))}
          </select>
        </div>
        <div className="form-group">
          <label htmlFor="period">Batch period (Troubled Families only)</label>
          <span className="hint" id="period-hint">
            The 6-monthly batch this file belongs to, for example 2016-H1. Leave empty for other datasets.
          </span>
          {errorId("period") && (
            <span className="error-message" id="period-error">
              {fieldError!.message}
            </span>
          )}
          <input
            type="text"
            id="period"
            name="period"
            inputMode="text"
            autoComplete="off"
            pattern={BATCH_PERIOD_HTML_PATTERN}
            aria-describedby={["period-hint", errorId("period")].filter(Boolean).join(" ")}
            aria-invalid={errorId("period") ? true : undefined}
            disabled={busy}
          />
        </div>
        <div className="form-group">
          <label htmlFor="file">CSV file</label>
          <span className="hint" id="file-hint">
            UTF-8, comma-separated, one header row. Up to {formatBytes(maxBytes)} ({formatBytes(formMaxBytes)} without JavaScript).
          </span>
          {errorId("file") && (
            <span className="error-message" id="file-error">
              {fieldError!.message}
            </span>
          )}
          <input
            type="file"
            id="file"
            name="file"
            accept=".csv,text/csv"
            aria-describedby={["file-hint", errorId("file")].filter(Boolean).join(" ")}
            aria-invalid={errorId("file") ? true : undefined}
            disabled={busy}
            required
          />
        </div>
        <div className="form-group">
          <input type="checkbox" id="loadValidRows" name="loadValidRows" value="1" disabled={busy} />{" "}
          <label htmlFor="loadValidRows" style={{ display: "inline" }}>
            If some rows have errors, load the valid rows anyway
          </label>
          <span className="hint" id="loadValidRows-hint">
            By default a file with any error is refused whole. Your choice is recorded with the upload.
          </span>
        </div>
        {busy ? (
          <button type="button" className="button button--warning" onClick={() => xhrRef.current?.abort()}>
            Cancel upload
          </button>
        ) : (
          <button type="submit" className="button">
            Upload and check
          </button>
        )}
      </form>
      <div aria-live="polite" role="status">
        {phase.kind === "sending" && (
          <div className="panel">
            <label htmlFor="upload-progress">{phase.sent < phase.total ? "Sending the file" : "File sent; checking the last rows"}</label>
            <progress id="upload-progress" max={phase.total} value={phase.sent}>
              {Math.round((100 * phase.sent) / Math.max(phase.total, 1))}%
            </progress>
            <p>
              {formatBytes(phase.sent)} of {formatBytes(phase.total)} sent; {formatCount(phase.rows)} rows checked so far.
            </p>
          </div>
        )}
        {phase.kind === "loading" && (
          <div className="panel">
            <label htmlFor="load-progress">Loading {formatCount(phase.rows)} valid rows</label>
            <progress id="load-progress">loading</progress>
          </div>
        )}
        {phase.kind === "done" && (
          <div className={phase.status === "loaded" ? "notice-success" : "notice-error"}>
            <h2>{phase.status === "loaded" ? "File loaded" : phase.status === "incident" ? "File deleted: not pseudonymised" : "File refused"}</h2>
            <p>{phase.message}</p>
            <p>
              <a href={phase.resultUrl}>See the full result{phase.status === "refused" ? " and the errors" : ""}</a>
            </p>
          </div>
        )}
        {phase.kind === "failed" && (
          <div className="notice-error">
            <h2>The upload did not finish</h2>
            <p>{phase.message}</p>
          </div>
        )}
      </div>
    </>
  );
}
