import "server-only";

export type ReleaseErrorCode =
  | "forbidden"
  | "not-found"
  | "invalid-input"
  | "no-run"
  | "run-superseded"
  | "unknown-output"
  | "duplicate-output"
  | "not-draft"
  | "under-review"
  | "no-outputs"
  | "version-exists"
  | "own-request"
  | "not-approver"
  | "not-required"
  | "already-reviewed"
  | "already-decided"
  | "stale-check"
  | "withdrawn"
  | "already-withdrawn"
  | "file-missing"
  | "file-tampered";

/**
 * A refusal of the release workflow, with a message written for the person who caused it. Every
 * operation that throws one has changed nothing (it runs in one transaction).
 */
export class ReleaseError extends Error {
  readonly code: ReleaseErrorCode;

  constructor(code: ReleaseErrorCode, message: string) {
    super(message);
    this.name = "ReleaseError";
    this.code = code;
  }
}

export function isReleaseError(e: unknown): e is ReleaseError {
  return e instanceof ReleaseError;
}
