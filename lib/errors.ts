// The one domain error. Domain functions throw it (or return it) to say what went wrong in terms
// of the request, never of HTTP; lib/http/adapter.ts alone turns it into a status, a redirect,
// a form's field errors or a 403/404 page.

export type AppErrorKind =
  | "invalid" // the input breaks a rule: 400, or field errors on a form
  | "forbidden" // the actor may not do this to this thing: 403
  | "not_found" // nothing of that id exists for the actor: 404
  | "conflict" // the thing's state does not allow it now: 409
  | "gone" // it existed but is no longer kept: 410
  | "too_large" // 413
  | "unsupported" // the request's form is not one we take: 415
  | "unavailable"; // a dependency is down; trying again later may work: 503

export const STATUS_OF: Record<AppErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  too_large: 413,
  unsupported: 415,
  unavailable: 503,
};

export class AppError extends Error {
  override name = "AppError";
  readonly kind: AppErrorKind;
  /** A stable machine-readable code for JSON answers ("unknown-dataset"); defaults to the kind. */
  readonly code: string;
  /** Field name → plain message, for forms. */
  readonly fields: Record<string, string>;

  constructor(kind: AppErrorKind, message: string, opts: { code?: string; fields?: Record<string, string> } = {}) {
    super(message);
    this.kind = kind;
    this.code = opts.code ?? kind.replace("_", "-");
    this.fields = opts.fields ?? {};
  }

  /** Field errors for a form: the fields named, or the message against the whole form. */
  formErrors(): Record<string, string> {
    return Object.keys(this.fields).length > 0 ? this.fields : { form: this.message };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
