import "server-only";
import type { VangeFilters } from "./vange";

/** The query string of a view, for links (CSV) that must show the same figures as the page. */
export function viewQuery(filters: VangeFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams(extra);
  if (filters.year !== null) q.set("year", String(filters.year));
  if (filters.district !== null) q.set("district", filters.district);
  const s = q.toString();
  return s ? `?${s}` : "";
}
