import type { DashboardSection, VangeFilters } from "@/lib/dashboards/vange";
import { viewQuery } from "@/lib/dashboards/query";
import { unofferedFilters, withheldCount, type Params } from "./chart-marks";
import { districtLabel } from "./place-names";

/** Half or more withheld: the view is too narrow to be useful. */
export const MOSTLY_WITHHELD = 0.5;

/**
 * What a reader must know before the figures: a filter value the page ignored, and how many
 * figures the view withholds, with a wider view to try when most are.
 */
export function ViewNotices({
  params,
  filters,
  options,
  sections,
  action,
}: {
  params: Params;
  filters: VangeFilters;
  options: { years: number[]; districts: string[] };
  sections: DashboardSection[];
  action: string;
}) {
  const ignored = unofferedFilters(params, filters, options);
  const { withheld, total } = withheldCount(sections.flatMap((s) => s.tables));
  const mostly = total > 0 && withheld / total >= MOSTLY_WITHHELD;
  const wider: { href: string; label: string }[] = [];
  if (filters.district !== null)
    wider.push({
      href: `${action}${viewQuery({ ...filters, district: null })}`,
      label: `all school districts${filters.year ? ` in ${filters.year}` : ""}`,
    });
  if (filters.year !== null)
    wider.push({
      href: `${action}${viewQuery({ ...filters, year: null })}`,
      label: `all assessment years${filters.district ? ` in ${districtLabel(filters.district)}` : ""}`,
    });
  return (
    <>
      {ignored.length > 0 && (
        <div className="warning-text" role="status" data-testid="filter-not-offered">
          {ignored.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      )}
      {withheld > 0 && (
        <div className={mostly ? "notice-error" : "inset"} role={mostly ? "alert" : undefined} data-testid="withheld-summary">
          {mostly && <h2>Most figures are withheld for this filter</h2>}
          <p>
            {withheld.toLocaleString("en-GB")} of {total.toLocaleString("en-GB")} figures on this page {withheld === 1 ? "is" : "are"} withheld and
            shown as [c], to protect confidentiality.
          </p>
          {mostly && wider.length > 0 && (
            <>
              <p>The filter leaves too few children in most cells. Try a wider view:</p>
              <ul>
                {wider.map((w) => (
                  <li key={w.href}>
                    <a href={w.href}>Show {w.label}</a>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </>
  );
}
