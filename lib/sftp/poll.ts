import "server-only";
import fs from "node:fs";
import SftpClient from "ssh2-sftp-client";
import { recordAudit } from "@/lib/audit/record";
import { BATCH_PERIOD_PATTERN, DATASET_IDS, type DatasetId } from "@/lib/datasets";
import { inboxLockName, withExclusiveLock } from "@/lib/db/locks";
import { withContextClient } from "@/lib/db/tenant";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { errorReportPath } from "@/lib/ingest/paths";
import { IngestRequestError, ingestFile, type IngestResult } from "@/lib/ingest/pipeline";
import { sshFingerprint } from "./fingerprint";
import { loadInboxForPolling, type InboxWithCredential } from "./inbox";
import { errFields, log } from "@/lib/log";

export interface FileOutcome {
  name: string;
  status: IngestResult["status"] | "skipped-incomplete" | "refused-name";
  batchId?: string;
  message: string;
}

export interface PollReport {
  inboxId: string;
  ok: boolean;
  message: string;
  files: FileOutcome[];
}

const MARKER = ".done";
const OWN_SUFFIXES = [MARKER, ".result.json", ".errors.csv"];

/**
 * `<dataset-id>[_-.<YYYY-H1|H2>]<anything>.csv`, case-insensitive. Longest ids first so that no
 * id is mistaken for the prefix of another.
 */
export function datasetFromFileName(name: string): { datasetId: DatasetId; period: string | null } | null {
  if (!/\.csv$/i.test(name)) return null;
  const lower = name.toLowerCase();
  const id = [...DATASET_IDS].sort((a, b) => b.length - a.length).find((d) => lower.startsWith(d) && !/[a-z0-9]/.test(lower[d.length] ?? ""));
  if (!id) return null;
  const m = /(\d{4})-h([12])/i.exec(name.slice(id.length));
  const period = m ? `${m[1]}-H${m[2]}` : null;
  return { datasetId: id, period: period && BATCH_PERIOD_PATTERN.test(period) ? period : null };
}

export function connectOptions(inbox: InboxWithCredential) {
  const pinned = inbox.hostKeyFingerprint;
  return {
    host: inbox.host,
    port: inbox.port,
    username: inbox.username,
    ...(inbox.authMethod === "private_key" ? { privateKey: inbox.credential } : { password: inbox.credential }),
    readyTimeout: 20_000,
    // The pinned fingerprint is the only host key accepted: no trust on first use.
    hostVerifier: (key: Buffer) => sshFingerprint(key) === pinned,
  };
}

const inFlight = new Set<string>();

function describeConnectError(e: unknown, inbox: InboxWithCredential): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/host.*verif|verification failed/i.test(msg))
    return `The server's host key does not match the pinned fingerprint ${inbox.hostKeyFingerprint}. Nothing was read. Check with the partner whether the server changed.`;
  if (/authentication|All configured authentication methods failed/i.test(msg))
    return `The server refused the platform's ${inbox.authMethod === "password" ? "password" : "key"} for user ${inbox.username}.`;
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|Timed out/i.test(msg))
    return `The server ${inbox.host}:${inbox.port} could not be reached (${msg}).`;
  if (/No such file|ENOENT/i.test(msg)) return `The inbox directory ${inbox.directory} does not exist on the server.`;
  return `SFTP error: ${msg}`;
}

/**
 * Polls one inbox: takes the complete files (a `.done` marker, or size and time unchanged since
 * the previous poll), runs each through the ingest pipeline as the inbox's organisation, moves it
 * to `processed/` or `rejected/` and writes `<file>.result.json` (and `<file>.errors.csv`) beside
 * it. A file that is not pseudonymised is deleted from the server as well.
 */
export async function pollInbox(inboxId: string): Promise<PollReport> {
  if (inFlight.has(inboxId)) return { inboxId, ok: true, message: "A poll of this inbox is already running.", files: [] };
  // Another portal instance on the same database may be polling this inbox: each file once.
  const locked = await withExclusiveLock(inboxLockName(inboxId), () => pollInboxHoldingLock(inboxId));
  if (locked.busy) return { inboxId, ok: true, message: "A poll of this inbox is already running on another portal instance.", files: [] };
  return locked.value;
}

async function pollInboxHoldingLock(inboxId: string): Promise<PollReport> {
  inFlight.add(inboxId);
  let inbox: InboxWithCredential | null = null;
  const files: FileOutcome[] = [];
  let report: PollReport;
  const sftp = new SftpClient("essex-portal");
  try {
    inbox = await loadInboxForPolling(inboxId);
    if (!inbox) return { inboxId, ok: false, message: "No such inbox.", files };
    await sweepInterruptedBatches();
    try {
      await sftp.connect(connectOptions(inbox));
    } catch (e) {
      report = { inboxId, ok: false, message: describeConnectError(e, inbox), files };
      return report;
    }
    const dir = inbox.directory.replace(/\/+$/, "") || "/";
    try {
      for (const sub of ["processed", "rejected"]) if (!(await sftp.exists(`${dir}/${sub}`))) await sftp.mkdir(`${dir}/${sub}`);
      const listing = await sftp.list(dir);
      const names = new Set(listing.map((f) => f.name));
      const candidates = listing.filter((f) => f.type === "-" && !f.name.startsWith(".") && !OWN_SUFFIXES.some((s) => f.name.endsWith(s)));
      for (const f of candidates) {
        const complete = names.has(f.name + MARKER) || (await sizeStable(inbox.id, f.name, f.size, f.modifyTime));
        if (!complete) {
          files.push({
            name: f.name,
            status: "skipped-incomplete",
            message: "Still arriving: taken once its size is unchanged at the next poll, or when a .done marker appears.",
          });
          continue;
        }
        files.push(await takeFile(sftp, inbox, dir, f.name, names.has(f.name + MARKER)));
        await forgetSeen(inbox.id, f.name);
      }
      await forgetVanished(inbox.id, new Set(candidates.map((c) => c.name)));
    } catch (e) {
      report = { inboxId, ok: false, message: describeConnectError(e, inbox), files };
      return report;
    }
    const taken = files.filter((f) => f.status !== "skipped-incomplete");
    report = {
      inboxId,
      ok: true,
      message: taken.length === 0 ? "No complete files." : `${taken.length} file${taken.length === 1 ? "" : "s"} processed.`,
      files,
    };
    return report;
  } finally {
    await sftp.end().catch(() => {});
    inFlight.delete(inboxId);
    if (inbox)
      await recordPoll(inbox, report!).catch((e: unknown) =>
        log({ component: "sftp", inboxId: inbox?.id }).error(errFields(e), "could not record poll"),
      );
  }
}

async function sizeStable(inboxId: string, name: string, size: number, mtime: number): Promise<boolean> {
  return withContextClient({ kind: "system", purpose: "sftp-poll" }, async (c) => {
    const prev = (
      await c.query<{ size: string; mtime: string }>(`SELECT size, mtime FROM sftp_seen_file WHERE inbox_id = $1 AND name = $2`, [inboxId, name])
    ).rows[0];
    if (prev && Number(prev.size) === size && Number(prev.mtime) === mtime) return true;
    await c.query(
      `INSERT INTO sftp_seen_file (inbox_id, name, size, mtime) VALUES ($1, $2, $3, $4)
       ON CONFLICT (inbox_id, name) DO UPDATE SET size = EXCLUDED.size, mtime = EXCLUDED.mtime, first_seen_at = now()`,
      [inboxId, name, size, mtime],
    );
    return false;
  });
}

async function forgetSeen(inboxId: string, name: string): Promise<void> {
  await withContextClient({ kind: "system", purpose: "sftp-poll" }, (c) =>
    c.query(`DELETE FROM sftp_seen_file WHERE inbox_id = $1 AND name = $2`, [inboxId, name]),
  );
}

async function forgetVanished(inboxId: string, present: Set<string>): Promise<void> {
  await withContextClient({ kind: "system", purpose: "sftp-poll" }, (c) =>
    c.query(`DELETE FROM sftp_seen_file WHERE inbox_id = $1 AND NOT (name = ANY($2::text[]))`, [inboxId, [...present]]),
  );
}

async function freeName(sftp: SftpClient, dir: string, name: string): Promise<string> {
  if (!(await sftp.exists(`${dir}/${name}`))) return `${dir}/${name}`;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return `${dir}/${name.replace(/(\.csv)?$/i, `.${stamp}$1`)}`;
}

async function takeFile(sftp: SftpClient, inbox: InboxWithCredential, dir: string, name: string, hasMarker: boolean): Promise<FileOutcome> {
  const remote = `${dir}/${name}`;
  const writeResult = async (body: object) => sftp.put(Buffer.from(JSON.stringify(body, null, 2) + "\n"), `${remote}.result.json`);
  const dropMarker = async () => {
    if (hasMarker) await sftp.delete(`${remote}${MARKER}`, true);
  };
  const target = datasetFromFileName(name);
  if (!target) {
    const message = `The file name does not say which dataset it is. Name it after the dataset, e.g. housing-benefits.csv or troubled-families_2016-H1.csv (datasets: ${DATASET_IDS.join(", ")}).`;
    await sftp.rename(remote, await freeName(sftp, `${dir}/rejected`, name));
    await writeResult({ file: name, status: "refused", message, processedAt: new Date().toISOString() });
    await dropMarker();
    return { name, status: "refused-name", message };
  }
  let result: IngestResult;
  const input = sftp.createReadStream(remote, { highWaterMark: 1 << 20 } as never);
  try {
    result = await ingestFile({
      orgId: inbox.orgId,
      datasetId: target.datasetId,
      period: target.period,
      source: "sftp",
      originalFilename: name,
      loadValidRows: false,
      actor: { label: `sftp:${inbox.username}@${inbox.host}` },
      input: input as unknown as AsyncIterable<Uint8Array>,
    });
  } catch (e) {
    // A refusal before the first byte (the agreement, the period) leaves the stream unread.
    input.destroy();
    const message =
      e instanceof IngestRequestError
        ? e.message
        : "The file could not be processed because of a problem on the platform's side; it was left in place and will be tried again.";
    if (e instanceof IngestRequestError) {
      await sftp.rename(remote, await freeName(sftp, `${dir}/rejected`, name));
      await writeResult({ file: name, status: "refused", message, processedAt: new Date().toISOString() });
      await dropMarker();
    } else {
      log({ component: "sftp", inboxId: inbox.id, orgId: inbox.orgId }).error({ file: name, ...errFields(e) }, "inbox file failed");
    }
    return { name, status: e instanceof IngestRequestError ? "refused" : "failed", message };
  }
  const body = {
    file: name,
    status: result.status,
    message: result.message,
    batchId: result.batchId,
    dataset: target.datasetId,
    period: target.period,
    size: result.size,
    sha256: result.sha256,
    rowsTotal: result.rowsTotal,
    rowsLoaded: result.rowsLoaded,
    errorCount: result.errorCount,
    fileErrors: result.summary.fileErrors,
    errors: result.summary.groups,
    incident: result.summary.incident
      ? { id: result.summary.incident.incidentId, rules: result.summary.incident.rules, cells: result.summary.incident.cellCount }
      : undefined,
    processedAt: new Date().toISOString(),
  };
  if (result.status === "incident") {
    // The breach clause: delete it where it came from too, not only our copy.
    await sftp.delete(remote, true);
    await dropMarker();
    await writeResult(body);
    await withContextClient({ kind: "system", purpose: "sftp-poll" }, (c) =>
      c.query(`UPDATE ingest_incident SET remote_deleted = true WHERE batch_id = $1`, [result.batchId]),
    );
    return { name, status: "incident", batchId: result.batchId, message: result.message };
  }
  await sftp.rename(remote, await freeName(sftp, `${dir}/${result.status === "loaded" ? "processed" : "rejected"}`, name));
  await writeResult(body);
  const errors = errorReportPath(inbox.orgId, result.batchId);
  if (result.errorReport && fs.existsSync(errors)) await sftp.fastPut(errors, `${remote}.errors.csv`);
  await dropMarker();
  return { name, status: result.status, batchId: result.batchId, message: result.message };
}

async function recordPoll(inbox: InboxWithCredential, report: PollReport): Promise<void> {
  const summary = report.ok
    ? `${report.message}${report.files.length ? ` ${report.files.map((f) => `${f.name}: ${f.status}`).join("; ")}` : ""}`
    : `Failed: ${report.message}`;
  await withContextClient({ kind: "system", purpose: "sftp-poll" }, async (c) => {
    await c.query(`UPDATE sftp_inbox SET last_polled_at = now(), last_result = $2 WHERE id = $1`, [inbox.id, summary.slice(0, 2000)]);
    await recordAudit(c, {
      action: "sftp.polled",
      outcome: report.ok ? "success" : "failure",
      actor: { label: "system:sftp-poller" },
      orgId: inbox.orgId,
      target: { type: "sftp_inbox", id: inbox.id },
      details: {
        files: report.files.filter((f) => f.status !== "skipped-incomplete").length,
        waiting: report.files.filter((f) => f.status === "skipped-incomplete").length,
        error: report.ok ? null : report.message.slice(0, 300),
      },
    });
  });
}

/** Every enabled inbox whose interval has passed. */
export async function dueInboxes(now = new Date()): Promise<string[]> {
  return withContextClient({ kind: "system", purpose: "sftp-poll" }, async (c) =>
    (
      await c.query<{ id: string }>(
        `SELECT id FROM sftp_inbox WHERE enabled AND (last_polled_at IS NULL OR last_polled_at + make_interval(mins => poll_interval_minutes) <= $1)`,
        [now],
      )
    ).rows.map((r) => r.id),
  );
}
