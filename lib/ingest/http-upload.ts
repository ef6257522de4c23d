import "server-only";
import { randomUUID } from "node:crypto";
import { auditActor, type Actor } from "@/lib/actor";
import { checkUploadAllowed } from "@/lib/agreements/in-force";
import { checkBatchPeriod, getDataset, isDatasetId, type DatasetId } from "@/lib/datasets";
import { AppError } from "@/lib/errors";
import { errFields, log } from "@/lib/log";
import { IngestRequestError, ingestFile, type IngestProgress, type IngestResult } from "./pipeline";

// The browser upload, in domain terms: what arrived (query, announced type and length, the body
// as a stream) in, an NDJSON stream of UploadEvents or an AppError out. The route handlers
// (app/api/uploads) turn these into HTTP answers.

/** Largest file the browser upload takes (the 2 GB); SFTP and the CLI have no such cap. */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** The no-JavaScript form goes through multipart parsing, which holds the file; keep it small. */
export const MAX_FORM_UPLOAD_BYTES = 50 * 1024 ** 2;

/** The uploading partner analyst: the request path's Actor, of which the upload needs only this. */
export type Uploader = Pick<Actor, "userId" | "email" | "role" | "orgId">;

/** One line of the NDJSON answer of POST /api/uploads. */
export type UploadEvent =
  | { type: "accepted"; dataset: DatasetId }
  | ({ type: "progress" } & IngestProgress)
  | { type: "result"; result: PublicResult }
  | { type: "error"; message: string };

export type PublicResult = Pick<IngestResult, "batchId" | "status" | "message" | "rowsTotal" | "rowsLoaded" | "errorCount" | "size" | "sha256"> & {
  resultUrl: string;
};

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

const invalid = (code: string, message: string) => new AppError("invalid", message, { code });

/** Reads and checks the upload's parameters; throws AppError "invalid" naming the problem. */
export function uploadParams(q: { get(name: string): string | null }): UploadParams {
  const dataset = q.get("dataset") ?? "";
  if (!isDatasetId(dataset)) throw invalid("unknown-dataset", "Choose which dataset this file is (the dataset parameter is missing or unknown).");
  const def = getDataset(dataset);
  const period = (q.get("period") ?? "").trim() || null;
  const periodProblem = checkBatchPeriod(def, period);
  if (periodProblem) throw invalid(periodProblem.code, periodProblem.message);
  const rawName = q.get("filename") ?? "";
  if (CONTROL_CHARACTER.test(rawName)) throw invalid("bad-filename", BAD_FILENAME_MESSAGE);
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

/** What arrived for a streamed upload, read from the request by the route handler. */
export interface UploadInput {
  query: { get(name: string): string | null };
  contentType: string | null;
  contentLength: string | null;
  body: ReadableStream<Uint8Array> | null;
  requestId?: string;
}

/**
 * POST /api/uploads: the body is the CSV itself (Content-Type text/csv), streamed through the
 * pipeline as it arrives. Returns the NDJSON answer: `accepted`, `progress` events, then one
 * `result` (or `error`). Problems found before the first byte is read throw an AppError
 * (invalid, unsupported, too_large).
 */
export async function startUpload(user: Uploader, input: UploadInput): Promise<ReadableStream<Uint8Array>> {
  const params = uploadParams(input.query);
  const type = (input.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "text/csv") {
    throw new AppError("unsupported", "Send the file itself as the request body with Content-Type: text/csv (not a form or JSON).", {
      code: "unsupported-media-type",
    });
  }
  const lengthHeader = input.contentLength;
  const announced = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
  if (announced !== null && announced > MAX_UPLOAD_BYTES)
    throw new AppError("too_large", new UploadTooLargeError(MAX_UPLOAD_BYTES).message, { code: "too-large" });
  if (!input.body || announced === 0) throw invalid("empty-file", "The file is empty: it has no header row and no data.");
  const body = input.body;

  const requestId = input.requestId ?? randomUUID();
  // Asked here too (the pipeline asks again) so that a refusal is a plain 403 before the body is read.
  const allowed = await checkUploadAllowed(
    { userId: user.userId, label: user.email, role: user.role },
    { orgId: user.orgId, datasetId: params.datasetId, source: "browser", requestId },
  );
  if (!allowed.ok) {
    await body.cancel().catch(() => {});
    throw new AppError("forbidden", allowed.message, { code: `agreement-${allowed.code}` });
  }
  const encoder = new TextEncoder();
  let lastProgress = 0;
  return new ReadableStream<Uint8Array>({
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
          actor: auditActor(user),
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
        if (message === OUR_FAULT) log({ requestId, component: "ingest" }).error(errFields(e), "browser upload failed");
      } finally {
        try {
          controller.close();
        } catch {
          // Already closed by a cancelled response.
        }
      }
    },
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
export async function formUpload(
  user: Uploader,
  input: { contentLength: string | null; readForm: () => Promise<FormData> },
): Promise<{ batchId: string } | { error: string }> {
  const length = Number(input.contentLength ?? "0");
  if (length > MAX_FORM_UPLOAD_BYTES + 64 * 1024) {
    return {
      error: `Without JavaScript the upload takes files up to ${MAX_FORM_UPLOAD_BYTES / 1024 ** 2} MB. Turn JavaScript on for files up to 2 GB, or use SFTP.`,
    };
  }
  let form: FormData;
  try {
    form = await input.readForm();
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
  let params: UploadParams;
  try {
    params = uploadParams(fields);
  } catch (e) {
    if (e instanceof AppError) return { error: e.message };
    throw e;
  }
  try {
    const result = await ingestFile({
      orgId: user.orgId,
      datasetId: params.datasetId,
      period: params.period,
      source: "browser",
      originalFilename: params.filename,
      loadValidRows: params.loadValidRows,
      actor: auditActor(user),
      input: file.stream() as unknown as AsyncIterable<Uint8Array>,
    });
    return { batchId: result.batchId };
  } catch (e) {
    const message = uploadErrorMessage(e);
    if (message === OUR_FAULT) log({ component: "ingest" }).error(errFields(e), "form upload failed");
    return { error: message };
  }
}
