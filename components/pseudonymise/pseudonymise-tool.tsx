"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import type { ExtractSummary } from "@/lib/pseudonymise/extract";
import {
  AGREED_HEADINGS,
  DATE_FORMATS,
  MAPPING_FORMAT,
  MappingError,
  emptyMapping,
  parseMapping,
  planMapping,
  type ColumnSource,
  type DateFormat,
  type IdentifierSpec,
  type Mapping,
} from "@/lib/pseudonymise/mapping";
import { saltFingerprint, saltFromFile, saltWarnings } from "@/lib/pseudonymise/salt";
import { describeSummary } from "@/lib/pseudonymise/summary-text";
import { formatBytes, formatCount } from "@/components/upload/format";
import type { WorkerReply, WorkerRequest } from "./protocol";
import { ErrorSummary } from "@/components/form/error-summary";

export interface DatasetChoice {
  id: string;
  title: string;
  needsPeriod: boolean;
  columns: { name: string; kind: string; optional: boolean; description: string }[];
}

type Phase =
  | { kind: "idle" }
  | { kind: "running"; bytesRead: number; total: number; rowsRead: number }
  | { kind: "done"; summary: ExtractSummary; output: Blob | null; seconds: number }
  | { kind: "uploading"; sent: number; total: number }
  | { kind: "uploaded"; status: string; message: string; resultUrl: string }
  | { kind: "upload-failed"; message: string };

function headingsFor(key: string): readonly string[] {
  if (key === "address_key") return AGREED_HEADINGS.address;
  if (key === "family_key") return AGREED_HEADINGS.family;
  return AGREED_HEADINGS.person;
}

type How = "none" | "copy" | "date" | "month" | "age-band" | "constant";

function howOf(source: ColumnSource | undefined): How {
  if (!source) return "none";
  if ("constant" in source) return "constant";
  if ("derive" in source) return source.derive;
  return "copy";
}

const ID = (s: string) => s.replace(/[^a-z0-9]+/gi, "-");

export function PseudonymiseTool({ datasets }: { datasets: DatasetChoice[] }) {
  const workerRef = useRef<Worker | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [columns, setColumns] = useState<string[] | null>(null);
  const [mapping, setMapping] = useState<Mapping | null>(null);
  const [period, setPeriod] = useState("");
  const [salt, setSalt] = useState("");
  const [errors, setErrors] = useState<{ field: string; message: string }[]>([]);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [mappingNotice, setMappingNotice] = useState<string | null>(null);

  // The worker is started with the page, so hashing needs no network once the page is loaded.
  useEffect(() => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    workerRef.current = worker;
    return () => worker.terminate();
  }, []);

  // A service worker keeps this page and its scripts in the browser's cache, so it opens again
  // without a network (public/pseudonymise-sw.js). Without one (an old browser) the page still
  // works while it stays open.
  useEffect(() => {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register("/pseudonymise-sw.js", { scope: "/pseudonymise" }).catch(() => {});
  }, []);

  const dataset = datasets.find((d) => d.id === mapping?.dataset) ?? null;
  const fingerprint = useMemo(() => (salt === "" ? null : saltFingerprint(salt)), [salt]);
  const warnings = useMemo(() => (salt === "" ? [] : saltWarnings(salt)), [salt]);
  const busy = phase.kind === "running" || phase.kind === "uploading";

  function ask(request: WorkerRequest, onReply: (r: WorkerReply) => boolean): void {
    const worker = workerRef.current!;
    const listener = (e: MessageEvent<WorkerReply>) => {
      if (onReply(e.data)) worker.removeEventListener("message", listener);
    };
    worker.addEventListener("message", listener);
    worker.postMessage(request);
  }

  function chooseFile(f: File | null) {
    setFile(f);
    setColumns(null);
    setPhase({ kind: "idle" });
    setErrors([]);
    if (!f) return;
    ask({ type: "header", file: f }, (r) => {
      if (r.type !== "header") return false;
      if (r.columns === null) setErrors([{ field: "extract", message: r.problem }]);
      else setColumns(r.columns);
      return true;
    });
  }

  function chooseDataset(id: string) {
    setMapping(id ? emptyMapping(id) : null);
    setPhase({ kind: "idle" });
  }

  function setIdentifier(key: string, heading: string, patch: Partial<IdentifierSpec> | null) {
    setMapping((m) => {
      if (!m) return m;
      const list = (m.keys[key] ?? []).filter((i) => i.heading !== heading);
      const current = (m.keys[key] ?? []).find((i) => i.heading === heading);
      if (patch !== null) {
        const next = { heading, column: "", ...current, ...patch } as IdentifierSpec;
        if (next.column !== "") list.push(next);
      }
      return { ...m, keys: { ...m.keys, [key]: list } };
    });
  }

  function setSource(column: string, source: ColumnSource | null) {
    setMapping((m) => {
      if (!m) return m;
      const next = { ...m.columns };
      if (source === null) delete next[column];
      else next[column] = source;
      return { ...m, columns: next };
    });
  }

  function saveMapping() {
    if (!mapping) return;
    const used = new Set([
      ...Object.values(mapping.keys).flatMap((l) => l.map((i) => i.column)),
      ...Object.values(mapping.columns).flatMap((s) => ("column" in s ? [s.column] : [])),
    ]);
    const withDrop = { ...mapping, drop: (columns ?? []).filter((c) => !used.has(c)) };
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(withDrop, null, 2)}\n`], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${mapping.dataset}-mapping.json`;
    a.click();
    URL.revokeObjectURL(url);
  }

  async function loadMapping(f: File | null) {
    if (!f) return;
    try {
      const m = parseMapping(await f.text());
      setMapping(m);
      setMappingNotice(`Mapping loaded from ${f.name}.`);
      setErrors([]);
    } catch (e) {
      const problems = e instanceof MappingError ? e.problems : ["The mapping file could not be read."];
      setErrors(problems.map((message) => ({ field: "mapping-file", message })));
    }
  }

  async function loadSalt(f: File | null) {
    if (!f) return;
    setSalt(saltFromFile(await f.text()));
  }

  function start() {
    const found: { field: string; message: string }[] = [];
    if (!file) found.push({ field: "extract", message: "Choose the CSV file to pseudonymise" });
    else if (!columns) found.push({ field: "extract", message: "The chosen file has no readable header row: choose a CSV file" });
    if (!mapping) found.push({ field: "dataset", message: "Choose the dataset this extract is for" });
    if (dataset?.needsPeriod && !/^\d{4}-H[12]$/.test(period.trim())) {
      found.push({ field: "period", message: "Enter the batch as YYYY-H1 or YYYY-H2, for example 2016-H1" });
    }
    if (salt === "") found.push({ field: "salt", message: "Enter the salt (the secret key your partners agreed on); it must not be empty" });
    if (mapping) {
      try {
        planMapping(mapping);
      } catch (e) {
        if (!(e instanceof MappingError)) throw e;
        for (const message of e.problems) found.push({ field: "mapping", message });
      }
    }
    setErrors(found);
    if (found.length > 0) return;
    setPhase({ kind: "running", bytesRead: 0, total: file!.size, rowsRead: 0 });
    ask({ type: "run", file: file!, mapping: mapping!, salt, period: dataset?.needsPeriod ? period.trim() : undefined }, (r) => {
      if (r.type === "progress") {
        setPhase({ kind: "running", bytesRead: r.bytesRead, total: r.total, rowsRead: r.rowsRead });
        return false;
      }
      if (r.type === "mapping-error") setErrors(r.problems.map((message) => ({ field: "mapping", message })));
      else if (r.type === "failed") setErrors([{ field: "extract", message: r.message }]);
      if (r.type === "done") setPhase({ kind: "done", summary: r.summary, output: r.output, seconds: r.seconds });
      else setPhase({ kind: "idle" });
      return true;
    });
  }

  const outputName = file ? `${file.name.replace(/\.csv$/i, "")}-pseudonymised.csv` : "pseudonymised.csv";
  const downloadUrl = useMemo(() => (phase.kind === "done" && phase.output ? URL.createObjectURL(phase.output) : null), [phase]);
  useEffect(
    () => () => {
      if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    },
    [downloadUrl],
  );

  function upload(output: Blob) {
    if (!mapping) return;
    const q = new URLSearchParams({ dataset: mapping.dataset, filename: outputName });
    if (dataset?.needsPeriod) q.set("period", period.trim());
    const xhr = new XMLHttpRequest();
    let seen = 0;
    let settled = false;
    const read = () => {
      const text = xhr.responseText;
      let nl: number;
      while ((nl = text.indexOf("\n", seen)) !== -1) {
        const line = text.slice(seen, nl);
        seen = nl + 1;
        try {
          const ev = JSON.parse(line) as { type: string; message?: string; result?: { status: string; message: string; resultUrl: string } };
          if (ev.type === "result" && ev.result) {
            settled = true;
            setPhase({ kind: "uploaded", ...ev.result });
          } else if (ev.type === "error") {
            settled = true;
            setPhase({ kind: "upload-failed", message: ev.message ?? "The upload failed." });
          }
        } catch {
          // Not an event line; reported when the request ends.
        }
      }
    };
    xhr.open("POST", `/api/uploads?${q.toString()}`);
    xhr.setRequestHeader("Content-Type", "text/csv");
    xhr.upload.onprogress = (p) => setPhase({ kind: "uploading", sent: p.loaded, total: p.total || output.size });
    xhr.onprogress = read;
    xhr.onload = () => {
      read();
      if (!settled) setPhase({ kind: "upload-failed", message: `The upload failed (HTTP ${xhr.status}).` });
    };
    xhr.onerror = () => setPhase({ kind: "upload-failed", message: "The connection to the portal was lost. Nothing was loaded; try again." });
    setPhase({ kind: "uploading", sent: 0, total: output.size });
    xhr.send(output);
  }

  const fieldError = (field: string) => errors.filter((e) => e.field === field);
  const describedBy = (field: string, hint?: string) =>
    [hint, fieldError(field).length ? `${field}-error` : undefined].filter(Boolean).join(" ") || undefined;
  const errorText = (field: string) =>
    fieldError(field).length ? (
      <span className="error-message" id={`${field}-error`}>
        {fieldError(field)
          .map((e) => e.message)
          .join(". ")}
      </span>
    ) : null;
  const columnOptions = (columns ?? []).map((c) => (
    <option key={c} value={c}>
      {c}
    </option>
  ));

  return (
    <>
      <ErrorSummary items={errors.map((e) => ({ href: `#${e.field}`, text: e.message }))} />

      <h2>1. Your extract</h2>
      <div className="form-group">
        <label htmlFor="extract">CSV file from your system</label>
        <span className="hint" id="extract-hint">
          UTF-8, comma-separated, with a header row. It is read here, in pieces, and never uploaded.
        </span>
        {errorText("extract")}
        <input
          type="file"
          id="extract"
          accept=".csv,text/csv"
          aria-describedby={describedBy("extract", "extract-hint")}
          disabled={busy}
          onChange={(e) => chooseFile(e.target.files?.[0] ?? null)}
        />
        {file && columns && (
          <p>
            {file.name}: {formatBytes(file.size)}, {columns.length} columns.
          </p>
        )}
      </div>

      <h2>2. The dataset and how your columns map to it</h2>
      <div className="form-group">
        <label htmlFor="dataset">Dataset</label>
        {errorText("dataset")}
        <select
          id="dataset"
          value={mapping?.dataset ?? ""}
          onChange={(e) => chooseDataset(e.target.value)}
          aria-describedby={describedBy("dataset")}
          disabled={busy}
        >
          <option value="">Choose a dataset</option>
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="mapping-file">Load a saved mapping (optional)</label>
        <span className="hint" id="mapping-file-hint">
          A mapping saved from this page, or the one your team uses with the command line.
        </span>
        {errorText("mapping-file")}
        <input
          type="file"
          id="mapping-file"
          accept=".json,application/json"
          aria-describedby={describedBy("mapping-file", "mapping-file-hint")}
          disabled={busy}
          onChange={(e) => void loadMapping(e.target.files?.[0] ?? null)}
        />
        {mappingNotice && <p role="status">{mappingNotice}</p>}
      </div>
      {dataset?.needsPeriod && (
        <div className="form-group">
          <label htmlFor="period">Batch period</label>
          <span className="hint" id="period-hint">
            The 6-monthly batch, for example 2016-H1.
          </span>
          {errorText("period")}
          <input
            type="text"
            id="period"
            className="input--code"
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            aria-describedby={describedBy("period", "period-hint")}
            disabled={busy}
          />
        </div>
      )}

      {mapping && dataset && (
        <div id="mapping">
          {errorText("mapping")}
          {!columns && <p>Choose your CSV file first: its columns are offered below.</p>}
          {dataset.columns
            .filter((c) => c.kind === "key")
            .map((key) => {
              const current = mapping.keys[key.name] ?? [];
              const headings = [...new Set([...headingsFor(key.name), ...current.map((i) => i.heading)])];
              return (
                <fieldset key={key.name} className="form-group">
                  <legend>
                    <strong>{key.name}</strong>: which of your columns identify the{" "}
                    {key.name === "address_key" ? "household" : key.name === "family_key" ? "family" : "person"}
                  </legend>
                  <p className="hint">
                    Values are joined in the alphabetical order of these agreed headings, so every partner gets the same key whatever their own
                    columns are called.
                  </p>
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Agreed heading</th>
                        <th scope="col">Your column</th>
                        <th scope="col">Before hashing</th>
                      </tr>
                    </thead>
                    <tbody>
                      {headings.map((h) => {
                        const spec = current.find((i) => i.heading === h);
                        const base = `${ID(key.name)}-${ID(h)}`;
                        const how = spec?.transform === "date" ? `date:${spec.date}` : (spec?.transform ?? "none");
                        return (
                          <tr key={h}>
                            <th scope="row">{h}</th>
                            <td>
                              <label className="visually-hidden" htmlFor={`${base}-column`}>
                                Your column for {h} in {key.name}
                              </label>
                              <select
                                id={`${base}-column`}
                                value={spec?.column ?? ""}
                                disabled={busy}
                                onChange={(e) => setIdentifier(key.name, h, e.target.value ? { column: e.target.value } : null)}
                              >
                                <option value="">Not used</option>
                                {spec && columns && !columns.includes(spec.column) && (
                                  <option value={spec.column}>{spec.column} (not in this file)</option>
                                )}
                                {columnOptions}
                              </select>
                            </td>
                            <td>
                              <label className="visually-hidden" htmlFor={`${base}-transform`}>
                                Treatment of {h} before hashing
                              </label>
                              <select
                                id={`${base}-transform`}
                                value={how}
                                disabled={busy || !spec}
                                onChange={(e) => {
                                  const v = e.target.value;
                                  setIdentifier(
                                    key.name,
                                    h,
                                    v.startsWith("date:")
                                      ? { transform: "date", date: v.slice(5) as DateFormat }
                                      : { transform: v as IdentifierSpec["transform"], date: undefined },
                                  );
                                }}
                              >
                                <option value="none">As it is</option>
                                <option value="uppercase">In capitals</option>
                                <option value="nhs-number">NHS number: digits only</option>
                                {DATE_FORMATS.map((f) => (
                                  <option key={f} value={`date:${f}`}>
                                    A date written {f}, hashed as YYYY-MM-DD
                                  </option>
                                ))}
                              </select>
                            </td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </fieldset>
              );
            })}
          <fieldset className="form-group">
            <legend>
              <strong>The other columns</strong> of {dataset.title}
            </legend>
            <table>
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Made from</th>
                  <th scope="col">Your column</th>
                  <th scope="col">Date format or value</th>
                </tr>
              </thead>
              <tbody>
                {dataset.columns
                  .filter((c) => c.kind !== "key")
                  .map((c) => {
                    const source = mapping.columns[c.name];
                    const how = howOf(source);
                    const base = ID(c.name);
                    const col = source && "column" in source ? source.column : "";
                    const fmt = source && "date" in source ? source.date : "DD/MM/YYYY";
                    const update = (h: How, column: string, date: DateFormat, constant: string) => {
                      if (h === "none") return setSource(c.name, null);
                      if (h === "constant") return setSource(c.name, { constant });
                      if (h === "copy") return setSource(c.name, { column });
                      if (h === "age-band")
                        return setSource(c.name, { derive: "age-band", column, date, at: { fixed: new Date().toISOString().slice(0, 10) } });
                      return setSource(c.name, { derive: h, column, date });
                    };
                    return (
                      <tr key={c.name}>
                        <th scope="row">
                          {c.name}
                          {c.optional ? " (optional)" : ""}
                        </th>
                        <td>
                          <label className="visually-hidden" htmlFor={`${base}-how`}>
                            How {c.name} is made
                          </label>
                          <select
                            id={`${base}-how`}
                            value={how}
                            disabled={busy}
                            onChange={(e) => update(e.target.value as How, col || (columns?.[0] ?? ""), fmt, "")}
                          >
                            <option value="none">{c.optional ? "Left empty" : "Choose…"}</option>
                            <option value="copy">Copied from your column</option>
                            <option value="date">A date, rewritten YYYY-MM-DD</option>
                            <option value="month">Month (YYYY-MM) of a date</option>
                            <option value="age-band">Age band from a date of birth</option>
                            <option value="constant">The same value on every row</option>
                          </select>
                        </td>
                        <td>
                          {how !== "none" && how !== "constant" && (
                            <>
                              <label className="visually-hidden" htmlFor={`${base}-column`}>
                                Your column for {c.name}
                              </label>
                              <select id={`${base}-column`} value={col} disabled={busy} onChange={(e) => update(how, e.target.value, fmt, "")}>
                                {columns && !columns.includes(col) && <option value={col}>{col || "Choose…"}</option>}
                                {columnOptions}
                              </select>
                            </>
                          )}
                        </td>
                        <td>
                          {(how === "date" || how === "month" || how === "age-band") && (
                            <>
                              <label className="visually-hidden" htmlFor={`${base}-format`}>
                                Date format of your column for {c.name}
                              </label>
                              <select
                                id={`${base}-format`}
                                value={fmt}
                                disabled={busy}
                                onChange={(e) => update(how, col, e.target.value as DateFormat, "")}
                              >
                                {DATE_FORMATS.map((f) => (
                                  <option key={f} value={f}>
                                    {f}
                                  </option>
                                ))}
                              </select>
                            </>
                          )}
                          {how === "age-band" && source && "at" in source && "fixed" in source.at && (
                            <>
                              <label htmlFor={`${base}-at`}>Age on (YYYY-MM-DD)</label>
                              <input
                                id={`${base}-at`}
                                className="input--code"
                                value={source.at.fixed}
                                disabled={busy}
                                onChange={(e) => setSource(c.name, { ...source, at: { fixed: e.target.value } })}
                              />
                            </>
                          )}
                          {how === "constant" && source && "constant" in source && (
                            <>
                              <label className="visually-hidden" htmlFor={`${base}-constant`}>
                                Value of {c.name} on every row
                              </label>
                              <input
                                id={`${base}-constant`}
                                value={source.constant}
                                disabled={busy}
                                onChange={(e) => setSource(c.name, { constant: e.target.value })}
                              />
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
              </tbody>
            </table>
          </fieldset>
          {columns && <p>Columns of your file not chosen above are left out of the output.</p>}
          <button type="button" className="button button--secondary" onClick={saveMapping} disabled={busy}>
            Save this mapping
          </button>
        </div>
      )}

      <h2>3. The salt</h2>
      <div className="form-group">
        <label htmlFor="salt">Salt (the secret key agreed with your partners)</label>
        <span className="hint" id="salt-hint">
          Held only in this page&apos;s memory: it is not stored and never sent. Type it exactly, or load it from a file.
        </span>
        {errorText("salt")}
        <input
          type="password"
          id="salt"
          autoComplete="off"
          spellCheck={false}
          value={salt}
          onChange={(e) => setSalt(e.target.value)}
          aria-describedby={describedBy("salt", "salt-hint")}
          disabled={busy}
        />
      </div>
      <div className="form-group">
        <label htmlFor="salt-file">Or load the salt from a file on this computer</label>
        <input type="file" id="salt-file" disabled={busy} onChange={(e) => void loadSalt(e.target.files?.[0] ?? null)} />
      </div>
      {fingerprint && (
        <p>
          Salt fingerprint:{" "}
          <strong className="input--code" data-testid="salt-fingerprint">
            {fingerprint}
          </strong>
          . Compare it with your partners&apos; to check you all use the same salt, without revealing it.
        </p>
      )}
      {warnings.length > 0 && (
        <div className="warning-text" role="status">
          <strong>This salt looks weak.</strong>
          <ul>
            {warnings.map((w) => (
              <li key={w.code}>{w.message}</li>
            ))}
          </ul>
        </div>
      )}

      <button type="button" className="button" onClick={start} disabled={busy}>
        Pseudonymise
      </button>

      <div aria-live="polite" role="status">
        {phase.kind === "running" && (
          <div className="panel">
            <label htmlFor="hash-progress">Pseudonymising in this browser</label>
            <progress id="hash-progress" max={Math.max(phase.total, 1)} value={phase.bytesRead}>
              {Math.round((100 * phase.bytesRead) / Math.max(phase.total, 1))}%
            </progress>
            <p>
              {formatBytes(phase.bytesRead)} of {formatBytes(phase.total)} read; {formatCount(phase.rowsRead)} rows.
            </p>
          </div>
        )}
      </div>
      {phase.kind === "done" && (
        <Result
          summary={phase.summary}
          seconds={phase.seconds}
          downloadUrl={downloadUrl}
          outputName={outputName}
          onUpload={phase.output ? () => upload(phase.output!) : null}
        />
      )}
      {phase.kind === "uploading" && (
        <div className="panel" role="status">
          <label htmlFor="upload-progress">Uploading the pseudonymised file</label>
          <progress id="upload-progress" max={Math.max(phase.total, 1)} value={phase.sent} />
        </div>
      )}
      {phase.kind === "uploaded" && (
        <div className={phase.status === "loaded" ? "notice-success" : "notice-error"} role="status">
          <h2>{phase.status === "loaded" ? "File loaded" : "File refused"}</h2>
          <p>{phase.message}</p>
          <p>
            <a href={phase.resultUrl}>See the full result</a>
          </p>
        </div>
      )}
      {phase.kind === "upload-failed" && (
        <div className="notice-error" role="alert">
          <h2>The upload did not finish</h2>
          <p>{phase.message}</p>
        </div>
      )}
      <p className="hint">Mapping format: {MAPPING_FORMAT}. The same mapping works with npm run pseudonymise.</p>
    </>
  );
}

function Result({
  summary,
  seconds,
  downloadUrl,
  outputName,
  onUpload,
}: {
  summary: ExtractSummary;
  seconds: number;
  downloadUrl: string | null;
  outputName: string;
  onUpload: (() => void) | null;
}) {
  if (summary.refused) {
    return (
      <div className="notice-error" role="alert">
        <h2>The file could not be pseudonymised</h2>
        <p>{summary.refused.message}</p>
      </div>
    );
  }
  const v = summary.validation;
  const clean = v.invalidRows === 0 && v.identifierFindings.length === 0 && summary.rowsWritten > 0;
  const lines = describeSummary(summary);
  return (
    <div className={clean ? "notice-success" : "notice-error"}>
      <h2>{clean ? "Pseudonymised: ready to upload" : "Pseudonymised, but the result would not be accepted as it is"}</h2>
      <dl className="summary-list">
        <dt>Rows read</dt>
        <dd>{formatCount(summary.rowsRead)}</dd>
        <dt>Rows written</dt>
        <dd>{formatCount(summary.rowsWritten)}</dd>
        <dt>Rows dropped</dt>
        <dd>{formatCount(summary.dropped.reduce((n, d) => n + d.count, 0))}</dd>
        <dt>Time in this browser</dt>
        <dd>
          {seconds.toFixed(1)} s ({formatCount(Math.round(summary.rowsRead / Math.max(seconds, 0.001)))} rows a second)
        </dd>
      </dl>
      <ul>
        {lines.slice(1).map((l, i) => (
          <li key={i}>{l}</li>
        ))}
      </ul>
      {downloadUrl && (
        <p>
          <a href={downloadUrl} download={outputName} className="button button--secondary">
            Download the pseudonymised file
          </a>
        </p>
      )}
      {onUpload && clean && (
        <button type="button" className="button" onClick={onUpload}>
          Upload to the portal
        </button>
      )}
    </div>
  );
}
