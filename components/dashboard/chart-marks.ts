import type { DisplayTable, VangeFilters } from "@/lib/dashboards/vange";

export const WITHHELD = "[c]";

/**
 * Which bars of a table's chart have no value, and why, read from the table the chart draws:
 * category → series key → the table's symbol ("[c]" withheld, or "–" not applicable). The chart
 * marks those bars with the symbol instead of leaving an empty row that reads like 0 %.
 */
export function chartMarks(table: Pick<DisplayTable, "header" | "rows" | "chart">): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const { series, data } = table.chart;
  const rowByLabel = new Map(table.rows.map((r) => [r[0], r]));
  for (const point of data) {
    const category = String(point.category);
    const row = rowByLabel.get(category);
    for (const s of series) {
      if (typeof point[s.key] === "number") continue;
      let symbol: string | undefined;
      if (row) {
        if (s.key === "value") symbol = row[row.length - 1];
        else {
          const col = table.header.indexOf(s.label);
          symbol = col > 0 ? row[col] : undefined;
        }
      }
      (out[category] ??= {})[s.key] = symbol && symbol !== "" ? symbol : WITHHELD;
    }
  }
  return out;
}

/** How many figures of a view are withheld, of how many shown: for the warning at the top of the page. */
export function withheldCount(tables: readonly Pick<DisplayTable, "rows">[]): { withheld: number; total: number } {
  let withheld = 0;
  let total = 0;
  for (const t of tables) {
    for (const r of t.rows) {
      for (const v of r.slice(1)) {
        total++;
        if (v === WITHHELD) withheld++;
      }
    }
  }
  return { withheld, total };
}

export type Params = Record<string, string | string[] | undefined>;

const firstOf = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").trim();

/** Filter values in the address that the page does not offer, in words; empty when all were used. */
export function unofferedFilters(params: Params, shown: VangeFilters, options: { years: number[]; districts: string[] }): string[] {
  const out: string[] = [];
  const year = firstOf(params.year);
  if (year !== "" && String(shown.year ?? "") !== year) {
    out.push(
      `There are no figures for assessment year “${year.slice(0, 20)}”${options.years.length ? `: the years in the data are ${options.years.join(", ")}` : ""}. Showing all years instead.`,
    );
  }
  const district = firstOf(params.district);
  if (district !== "" && (shown.district ?? "") !== district) {
    out.push(`There is no school district “${district.slice(0, 30)}” in the data. Showing all school districts instead; choose one from the list.`);
  }
  return out;
}
