import "server-only";

export type DisclosureErrorCode =
  "invalid-threshold" | "invalid-base" | "invalid-table" | "unsupported-measure" | "too-complex" | "arithmetic-limit" | "prior-mismatch";

/**
 * The only error the engine throws on purpose. Callers must treat every one of them as
 * "nothing may be published": the engine fails closed rather than returning a partly
 * protected publication.
 */
export class DisclosureError extends Error {
  readonly code: DisclosureErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: DisclosureErrorCode, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = "DisclosureError";
    this.code = code;
    this.details = details;
  }
}

export function isDisclosureError(error: unknown): error is DisclosureError {
  return error instanceof DisclosureError;
}
