/** Formatting shared by the upload pages (server) and the upload form (client). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "–";
  if (n < 1024) return `${n} bytes`;
  const units = ["KB", "MB", "GB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : n.toLocaleString("en-GB");
}

/** "1 error", "2 errors", "1,200 rows". */
export function countOf(n: number | null | undefined, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export const STATUS_LABELS: Record<string, { label: string; tag: string }> = {
  received: { label: "Received", tag: "tag--grey" },
  loading: { label: "Loading", tag: "tag--grey" },
  loaded: { label: "Loaded (live)", tag: "tag--green" },
  refused: { label: "Refused", tag: "tag--red" },
  incident: { label: "Incident: deleted", tag: "tag--red" },
  withdrawn: { label: "Withdrawn", tag: "tag--grey" },
  superseded: { label: "Superseded", tag: "tag--grey" },
  failed: { label: "Failed", tag: "tag--red" },
};

export const RULE_LABELS: Record<string, string> = {
  required: "Missing value",
  "invalid-format": "Wrong format",
  "not-a-real-date": "Not a real date",
  "out-of-range": "Out of range",
  "not-allowed-value": "Value not allowed",
  duplicate: "Duplicate",
  "net-exceeds-gross": "Net above gross",
  "end-before-start": "End before start",
  "risk-category-required": "Risk category missing",
  "risk-category-not-allowed": "Risk category not allowed",
  "school-ready-mismatch": "school_ready disagrees with the ELG scores",
  "school-ready-not-allowed": "school_ready given although an ELG is A",
  "batch-period-mismatch": "Wrong batch period",
};
