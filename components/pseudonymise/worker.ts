/// <reference lib="webworker" />
/*
 * The Pseudonymise page's Web Worker: reads the analyst's file from their disk in 1 MB slices and
 * runs lib/pseudonymise on it. It makes no network request of any kind; the output is handed back
 * as a Blob (which the browser may keep on disk) and only leaves the machine if the analyst
 * presses Upload. Loaded when the page opens, so the page keeps working offline.
 */
import { CsvTokenizer } from "@/lib/ingest/parse/tokenizer";
import { notCsvReason, pseudonymiseExtract } from "@/lib/pseudonymise/extract";
import { MappingError, planMapping, type Mapping } from "@/lib/pseudonymise/mapping";
import type { WorkerReply, WorkerRequest } from "./protocol";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const SLICE = 1 << 20;
/** Output is gathered into Blobs of this size, so the page never holds it as one array. */
const PART = 8 << 20;

function reply(message: WorkerReply): void {
  scope.postMessage(message);
}

async function* slices(file: Blob): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < file.size; at += SLICE) {
    yield new Uint8Array(await file.slice(at, Math.min(file.size, at + SLICE)).arrayBuffer());
  }
}

/** The header row: the first record of the first 256 KB, read with the platform's tokenizer. */
async function readHeader(file: Blob): Promise<WorkerReply> {
  const bytes = new Uint8Array(await file.slice(0, 256 * 1024).arrayBuffer());
  const problem = bytes.length === 0 ? "The file is empty: there is no header row and no data." : notCsvReason(bytes);
  if (problem !== null) return { type: "header", columns: null, problem };
  let header: string[] | null = null;
  const tokenizer = new CsvTokenizer(
    {
      record(fields, count) {
        header ??= fields.slice(0, count).map((f) => f.trim());
        tokenizer.stop();
      },
    },
    { maxFieldLength: 10_000 },
  );
  const text = new TextDecoder("utf-8").decode(bytes);
  tokenizer.feed(text);
  if (header === null && bytes.length < 256 * 1024) tokenizer.end();
  if (header === null) return { type: "header", columns: null, problem: "No header row could be read at the start of this file: is it a CSV?" };
  return { type: "header", columns: header };
}

async function run(file: Blob, mapping: Mapping, salt: string, period: string | undefined): Promise<void> {
  let plan;
  try {
    plan = planMapping(mapping);
  } catch (e) {
    if (e instanceof MappingError) return reply({ type: "mapping-error", problems: [...e.problems] });
    throw e;
  }
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const started = performance.now();
  let lastProgress = 0;
  const summary = await pseudonymiseExtract(
    slices(file),
    {
      plan,
      salt,
      period,
      onOutput: (bytes) => {
        pending.push(bytes);
        pendingBytes += bytes.length;
        if (pendingBytes >= PART) {
          parts.push(new Blob(pending as BlobPart[]));
          pending = [];
          pendingBytes = 0;
        }
      },
    },
    (bytesRead, rowsRead) => {
      const now = performance.now();
      if (now - lastProgress < 100) return;
      lastProgress = now;
      reply({ type: "progress", bytesRead, total: file.size, rowsRead });
    },
  );
  if (pending.length > 0) parts.push(new Blob(pending as BlobPart[]));
  const seconds = (performance.now() - started) / 1000;
  reply({ type: "done", summary, output: summary.refused ? null : new Blob(parts, { type: "text/csv" }), seconds });
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  const work = request.type === "header" ? readHeader(request.file).then(reply) : run(request.file, request.mapping, request.salt, request.period);
  work.catch(() =>
    reply({ type: "failed", message: "The file could not be read (was it moved or deleted while it was being read?). Nothing was written." }),
  );
};
