import "server-only";
import { randomUUID } from "node:crypto";
import { checkUploadAllowed } from "@/lib/agreements/in-force";
import { BATCH_PERIOD_PATTERN, getDataset, isDatasetId, type DatasetId } from "@/lib/datasets";
import { IngestRequestError, ingestFile, type IngestProgress, type IngestResult } from "./pipeline";

/** Largest file the browser upload takes (the 2 GB); SFTP and the CLI have no such cap. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** The no-JavaScript form goes through multipart parsing, which holds the file; keep it small. */
export const MAX_FORM_UPLOAD_BYTES = 50 * 1024 ** 2;

export interface Uploader {
  userId: string;
  email: string;
  role: string;
  orgId: string;
}

/** One line of the NDJSON answer of POST /api/uploads. */
export type UploadEvent =
  | { type: "accepted"; dataset: DatasetId }
  | ({ type: "progress" } & IngestProgress)
  | { type: "result"; result: PublicResult }
  | { type: "error"; message: string };

export type PublicResult = Pick<IngestResult, "batchId" | "status" | "message" | "rowsTotal" | "rowsLoaded" | "errorCount" | "size" | "sha256"> & {
  resultUrl: string;
};

function problem(status: number, error: string, message: string): Response {
  return Response.json({ error, message }, { status, headers: { "cache-control": "no-store" } });
}

export interface UploadParams {
  datasetId: DatasetId;
  period: string | null;
  loadValidRows: boolean;
  filename: string;
}

/** NUL and other control characters cannot be stored or shown safely in a file name. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

export const BAD_FILENAME_MESSAGE =
  "The file's name contains a control character (such as NUL or a line break) that cannot be stored. Rename the file using letters, digits, spaces, dots, hyphens or underscores, and upload it again.";

/** Reads and checks the upload's parameters; a Response means "answer this and stop". */
export function uploadParams(q: { get(name: string): string | null }): UploadParams | Response {
  const dataset = q.get("dataset") ?? "";
  if (!isDatasetId(dataset)) return problem(400, "unknown-dataset", "Choose which dataset this file is (the dataset parameter is missing or unknown).");
  const def = getDataset(dataset);
  const period = (q.get("period") ?? "").trim() || null;
  if (def.needsPeriod && !period) return problem(400, "period-required", `${def.title} files are sent in 6-monthly batches: say which batch this file is (for example 2016-H1).`);
  if (def.needsPeriod && period && !BATCH_PERIOD_PATTERN.test(period)) return problem(400, "bad-period", `The batch period "${period.slice(0, 20)}" is not of the form YYYY-H1 or YYYY-H2.`);
  if (!def.needsPeriod && period) return problem(400, "period-not-allowed", `${def.title} files are not sent in batches by period; leave the period empty.`);
  const rawName = q.get("filename") ?? "";
  if (CONTROL_CHARACTER.test(rawName)) return problem(400, "bad-filename", BAD_FILENAME_MESSAGE);
  const filename = rawName.trim().slice(0, 255) || `${dataset}.csv`;
  const loadValidRows = ["1", "true", "on", "yes"].includes((q.get("loadValidRows") ?? "").toLowerCase());
  return { datasetId: dataset, period, loadValidRows, filename };
}

export function publicResult(r: IngestResult): PublicResult {
  return {
    batchId: r.batchId,
    status: r.status,
    message: r.message,
    rowsTotal: r.rowsTotal,
    rowsLoaded: r.rowsLoaded,
    errorCount: r.errorCount,
    size: r.size,
    sha256: r.sha256,
    resultUrl: `/uploads/${r.batchId}`,
  };
}

/**
 * Passes the request body through, refusing more than `max` bytes and noticing a body that ends
 * before its announced length (a proxy that buffered and cut it, or a dropped connection): a
 * truncated file must never be loaded as if it were whole.
 */
async function* limitedBody(body: ReadableStream<Uint8Array>, announced: number | null, max: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    seen += chunk.byteLength;
    if (seen > max) throw new UploadTooLargeError(max);
    yield chunk;
  }
  if (announced !== null && seen !== announced) {
    throw new TruncatedUploadError(`The upload ended after ${seen} of ${announced} bytes; the file was not received whole.`);
  }
}

export class UploadTooLargeError extends Error {
  name = "UploadTooLargeError";
  constructor(max: number) {
    super(`The file is larger than ${Math.round(max / 1024 ** 2)} MB, the most the browser upload takes. Send it over SFTP instead.`);
  }
}

export class TruncatedUploadError extends Error {
  name = "TruncatedUploadError";
}

/**
 * POST /api/uploads: the body is the CSV itself (Content-Type text/csv), streamed through the
 * pipeline as it arrives. The answer is NDJSON: `accepted`, `progress` events, then one `result`
 * (or `error`). Problems found before the first byte is read get a plain 4xx JSON answer.
 */
export async function handleUpload(req: Request, user: Uploader): Promise<Response> {
  const url = new URL(req.url);
  const params = uploadParams(url.searchParams);
  if (params instanceof Response) return params;
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/csv") {
    return problem(415, "unsupported-media-type", "Send the file itself as the request body with Content-Type: text/csv (not a form or JSON).");
  }
  const lengthHeader = req.headers.get("content-length");
  const announced = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (announced !== null && announced > MAX_UPLOAD_BYTES) return problem(413, "too-large", new UploadTooLargeError(MAX_UPLOAD_BYTES).message);
  if (!req.body || announced === 0) return problem(400, "empty-file", "The file is empty: it has no header row and no data.");
  const body = req.body;

  const requestId = req.headers.get("x-request-id") ?? randomUUID();
  // Asked here too (the pipeline asks again) so that a refusal is a plain 403 before the body is read.
  const allowed = await checkUploadAllowed(
    { userId: user.userId, label: user.email, role: user.role },
    { orgId: user.orgId, datasetId: params.datasetId, source: "browser", requestId },
  );
  if (!allowed.ok) {
    await body.cancel().catch(() => {});
    return problem(403, `agreement-${allowed.code}`, allowed.message);
  }
  const encoder = new TextEncoder();
  let lastProgress = 0;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (e: UploadEvent) => {
        try {
          controller.enqueue(encoder.encode(JSON.stringify(e) + "\n"));
        } catch {
          // The client went away; the pipeline notices through the request body.
        }
      };
      send({ type: "accepted", dataset: params.datasetId });
      try {
        const result = await ingestFile({
          orgId: user.orgId,
          datasetId: params.datasetId,
          period: params.period,
          source: "browser",
          originalFilename: params.filename,
          loadValidRows: params.loadValidRows,
          actor: { userId: user.userId, label: user.email, role: user.role },
          requestId,
          input: limitedBody(body, announced, MAX_UPLOAD_BYTES),
          onProgress: (p) => {
            const now = Date.now();
            if (p.phase === "loading" || now - lastProgress >= 200) {
              lastProgress = now;
              send({ type: "progress", ...p });
            }
          },
        });
        send({ type: "result", result: publicResult(result) });
      } catch (e) {
        const message = uploadErrorMessage(e);
        send({ type: "error", message });
        if (message === OUR_FAULT) console.error(`[ingest] browser upload ${requestId} failed`, e);
      } finally {
        try {
          controller.close();
        } catch {
          // Already closed by a cancelled response.
        }
      }
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store", "x-request-id": requestId },
  });
}

export function uploadErrorMessage(e: unknown): string {
  if (e instanceof IngestRequestError || e instanceof UploadTooLargeError || e instanceof TruncatedUploadError) return e.message;
  if (/abort|premature close|terminated|ECONNRESET/i.test(String((e as Error)?.message ?? e))) {
    return "The upload was cancelled or the connection was lost before the whole file arrived. Nothing was loaded.";
  }
  return OUR_FAULT;
}

const OUR_FAULT = "The upload could not be completed because of a problem on our side. Nothing was loaded; please try again.";

/** The no-JavaScript form upload: a multipart POST, held in memory up to {@link MAX_FORM_UPLOAD_BYTES}. */
export async function handleFormUpload(req: Request, user: Uploader): Promise<{ batchId: string } | { error: string }> {
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_FORM_UPLOAD_BYTES + 64 * 1024) {
    return { error: `Without JavaScript the upload takes files up to ${MAX_FORM_UPLOAD_BYTES / 1024 ** 2} MB. Turn JavaScript on for files up to 2 GB, or use SFTP.` };
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return { error: "The form could not be read. Choose a file and try again." };
  }
  const file = form.get("file");
  if (!(file instanceof Blob) || file.size === 0) return { error: "Choose a CSV file to upload; the file you chose is empty." };
  const fields = new URLSearchParams();
  for (const k of ["dataset", "period", "loadValidRows"]) {
    const v = form.get(k);
    if (typeof v === "string") fields.set(k, v);
  }
  fields.set("filename", (file as File).name ?? "upload.csv");
  const params = uploadParams(fields);
  if (params instanceof Response) return { error: ((await params.json()) as { message: string }).message };
  try {
    const result = await ingestFile({
      orgId: user.orgId,
      datasetId: params.datasetId,
      period: params.period,
      source: "browser",
      originalFilename: params.filename,
      loadValidRows: params.loadValidRows,
      actor: { userId: user.userId, label: user.email, role: user.role },
      input: file.stream() as unknown as AsyncIterable<Uint8Array>,
    });
    return { batchId: result.batchId };
  } catch (e) {
    const message = uploadErrorMessage(e);
    if (message === OUR_FAULT) console.error("[ingest] form upload failed", e);
    return { error: message };
  }
}
