import type { ExtractSummary } from "@/lib/pseudonymise/extract";
import type { Mapping } from "@/lib/pseudonymise/mapping";

/** Messages between the Pseudonymise page and its Web Worker: files, never their contents, go in. */
export type WorkerRequest = { type: "header"; file: Blob } | { type: "run"; file: Blob; mapping: Mapping; salt: string; period?: string };

export type WorkerReply =
  | { type: "header"; columns: string[]; problem?: undefined }
  | { type: "header"; columns: null; problem: string }
  | { type: "progress"; bytesRead: number; total: number; rowsRead: number }
  | { type: "mapping-error"; problems: string[] }
  | { type: "done"; summary: ExtractSummary; output: Blob | null; seconds: number }
  | { type: "failed"; message: string };
