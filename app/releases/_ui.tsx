import type { RequestStatus } from "@/lib/release";
import type { ReleaseFlash } from "./_flash";

export type Search = Promise<Record<string, string | string[] | undefined>>;

export function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** The error summary (linking to the field) and the success notice of the last action. */
export function ReleaseNotices({ flash }: { flash: ReleaseFlash | null }) {
  if (!flash) return null;
  return (
    <>
      {flash.error && (
        <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
          <h2 id="error-summary-title">There is a problem</h2>
          <ul>
            <li>{flash.field ? <a href={`#${flash.field}`}>{flash.error}</a> : flash.error}</li>
          </ul>
        </div>
      )}
      {flash.notice && (
        <div className="notice-success" role="status">
          <p>{flash.notice}</p>
        </div>
      )}
    </>
  );
}

export function FieldError({ flash, field }: { flash: ReleaseFlash | null; field: string }) {
  if (!flash?.error || flash.field !== field) return null;
  return (
    <span className="error-message" id={`${field}-error`}>
      <span className="visually-hidden">Error:</span> {flash.error}
    </span>
  );
}

const STATUS: Record<RequestStatus, { label: string; tag: string }> = {
  draft: { label: "Draft", tag: "tag tag--grey" },
  submitted: { label: "Waiting for approval", tag: "tag" },
  returned: { label: "Returned with comments", tag: "tag tag--red" },
  refused: { label: "Refused", tag: "tag tag--red" },
  approved: { label: "Approved and released", tag: "tag tag--green" },
};

export function StatusTag({ status }: { status: RequestStatus }) {
  return <strong className={STATUS[status].tag}>{STATUS[status].label}</strong>;
}

export function when(d: Date | string | null): string {
  if (!d) return "Not yet";
  return new Date(d).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });
}
