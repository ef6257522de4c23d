import "server-only";
import type pg from "pg";
import { csvDocument } from "@/lib/csv";
import {
  chartSeries,
  formatValue,
  protectPublication,
  tableNote,
  type Condition,
  type DimensionValue,
  type ProtectedPublication,
  type ProtectedTable,
  type TableSpec,
  type UnitCell,
} from "@/lib/disclosure";
import {
  AREAS,
  AREA_LABELS,
  DIMENSION_SQL,
  ETHNICITY_LABELS,
  FACTORS,
  FACTOR_VALUE_LABELS,
  FSM_LABELS,
  GENDER_LABELS,
  OUTCOME,
  POPULATION_SQL,
  RISK_BANDS,
  RISK_BAND_LABELS,
  SEASON_LABELS,
} from "./dimensions";
import { ETHNICITY_GROUPS, SEASONS_OF_BIRTH } from "@/lib/matching/sources";

export interface VangeFilters {
  year: number | null;
  district: string | null;
}

/** One series of a chart: a column of the displayed table. */
export interface ChartSeriesSpec {
  key: string;
  label: string;
}

/**
 * A table exactly as shown: the HTML table, its CSV export and its chart are all drawn from this,
 * and it is built only from the disclosure engine's protected output.
 */
export interface DisplayTable {
  id: string;
  title: string;
  /** What a value means, e.g. "% reaching a Good Level of Development". */
  measure: string;
  header: string[];
  rows: string[][];
  note: string | null;
  chart: {
    category: string;
    series: ChartSeriesSpec[];
    data: Record<string, string | number>[];
    /** Percentages (0–100) or counts. */
    unit: "percent" | "count";
    note: string | null;
  };
}

export interface DashboardSection {
  id: string;
  title: string;
  intro: string;
  tables: DisplayTable[];
}

const GLD_MEASURE = "% reaching a Good Level of Development";
const gldSpec = { measure: { kind: "percentage", numerator: { gld: "yes" } } as const };

export interface Layout {
  section: string;
  title: string;
  measure: string;
  spec: TableSpec;
  labels: Record<string, Record<string, string>>;
}

/** An output area's code with where it lies, so a reader need not look the code up. */
const OA_PLACE: Record<string, string> = { vange: "in Vange ward", rest: "elsewhere in the data" };

function layouts(domains: Record<string, readonly DimensionValue[]>, oaArea: ReadonlyMap<string, string> = new Map()): Layout[] {
  const oaLabels = Object.fromEntries(
    domains.oa!.map((o) => {
      const place = OA_PLACE[oaArea.get(String(o)) ?? ""];
      return [String(o), o === "unknown" ? "Output area not known" : place ? `${o} (${place})` : String(o)];
    }),
  );
  const yearLabels = Object.fromEntries(domains.year!.map((y) => [String(y), String(y)]));
  return [
    {
      section: "headline",
      title: "Children assessed, by assessment year",
      measure: "Children assessed",
      spec: { id: "children", rows: ["year"], columns: ["area"], measure: { kind: "count" }, totals: true },
      labels: { year: yearLabels, area: AREA_LABELS },
    },
    {
      section: "headline",
      title: "Good Level of Development, by assessment year",
      measure: GLD_MEASURE,
      spec: { id: "gld", rows: ["year"], columns: ["area"], ...gldSpec, totals: true },
      labels: { year: yearLabels, area: AREA_LABELS },
    },
    ...AREAS.map((a) => ({
      section: "areas",
      title: a.label,
      measure: `% at the expected level or above in ${a.label.toLowerCase()}`,
      spec: {
        id: `aol-${a.dim}`,
        columns: ["area"],
        measure: { kind: "percentage", numerator: { [a.dim]: "yes" } },
        totals: true,
      } as TableSpec,
      labels: { area: AREA_LABELS },
    })),
    {
      section: "characteristics",
      title: "By gender",
      measure: GLD_MEASURE,
      spec: { id: "gld-gender", rows: ["gender"], ...gldSpec },
      labels: { gender: GENDER_LABELS },
    },
    {
      section: "characteristics",
      title: "By free school meals",
      measure: GLD_MEASURE,
      spec: { id: "gld-fsm", rows: ["fsm"], ...gldSpec },
      labels: { fsm: FSM_LABELS },
    },
    {
      section: "characteristics",
      title: "By ethnic group",
      measure: GLD_MEASURE,
      spec: { id: "gld-ethnicity", rows: ["ethnicity"], ...gldSpec },
      labels: { ethnicity: ETHNICITY_LABELS },
    },
    {
      section: "characteristics",
      title: "By season of birth",
      measure: GLD_MEASURE,
      spec: { id: "gld-season", rows: ["season"], ...gldSpec },
      labels: { season: SEASON_LABELS },
    },
    ...FACTORS.map((f) => ({
      section: "household",
      title: f.label,
      measure: GLD_MEASURE,
      spec: { id: `gld-${f.dim}`, rows: [f.dim], ...gldSpec } as TableSpec,
      labels: { [f.dim]: FACTOR_VALUE_LABELS },
    })),
    {
      section: "household",
      title: "Number of household factors",
      measure: GLD_MEASURE,
      spec: { id: "gld-risk", rows: ["risk"], ...gldSpec },
      labels: { risk: RISK_BAND_LABELS },
    },
    {
      section: "geography",
      title: "By output area",
      measure: GLD_MEASURE,
      spec: { id: "gld-oa", rows: ["oa"], ...gldSpec },
      labels: { oa: oaLabels },
    },
  ];
}

export const SECTIONS: { id: string; title: string; intro: string }[] = [
  {
    id: "headline",
    title: "Headline",
    intro: "Children assessed at the end of Reception and the share reaching a Good Level of Development, in Vange and in the rest of the data.",
  },
  { id: "areas", title: "Areas of learning", intro: "Share of children at the expected level or above in every early learning goal of each area." },
  { id: "characteristics", title: "Child characteristics", intro: "Good Level of Development by the child's characteristics." },
  {
    id: "household",
    title: "Household factors from the linked data",
    intro: "Good Level of Development by what the partners' data shows about the child's household.",
  },
  { id: "geography", title: "Output areas", intro: "Good Level of Development by output area, the lowest geography the agreement allows." },
];

/** Domains of every dimension, as an attacker may know them (see lib/disclosure/types.ts Base). */
export interface RunDomains {
  year: number[];
  area: string[];
  oa: string[];
  districts: string[];
  oaArea: Map<string, string>;
}

export async function runDomains(db: pg.ClientBase, runId: string): Promise<RunDomains> {
  const { rows } = await db.query<{ year: number; area: string; oa: string; district: string }>(
    `SELECT DISTINCT assessment_year::int AS year, area, ${DIMENSION_SQL.oa} AS oa, school_district AS district FROM analysis_child WHERE run_id = $1 AND ${POPULATION_SQL}`,
    [runId],
  );
  const sorted = <T>(xs: T[]) => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const areaOrder = ["vange", "rest", "unknown"];
  return {
    year: sorted(rows.map((r) => r.year)),
    area: areaOrder.filter((a) => rows.some((r) => r.area === a)),
    oa: sorted(rows.map((r) => r.oa)),
    districts: sorted(rows.map((r) => r.district)),
    oaArea: new Map(rows.map((r) => [r.oa, r.area])),
  };
}

export function baseDomains(d: RunDomains): Record<string, readonly DimensionValue[]> {
  return {
    year: d.year,
    district: d.districts,
    area: d.area,
    oa: d.oa,
    gender: ["F", "M"],
    fsm: [true, false],
    ethnicity: ETHNICITY_GROUPS.map((g) => g.value),
    season: SEASONS_OF_BIRTH.map((s) => s.value),
    gld: OUTCOME,
    ...Object.fromEntries(AREAS.map((a) => [a.dim, OUTCOME])),
    ...Object.fromEntries(FACTORS.map((f) => [f.dim, [true, false]])),
    risk: RISK_BANDS,
  };
}

/** Combinations everyone knows cannot occur: an output area lies in one area; the band counts the factors. */
export function structuralZeros(d: RunDomains): Condition[] {
  const zeros: Condition[] = [];
  for (const [oa, area] of d.oaArea) {
    const others = d.area.filter((a) => a !== area);
    if (others.length) zeros.push({ oa, area: others });
  }
  const n = FACTORS.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    const count = [...Array(n).keys()].filter((k) => mask & (1 << k)).length;
    const band = count >= 3 ? "3+" : String(count);
    const pattern: Record<string, DimensionValue | DimensionValue[]> = {};
    FACTORS.forEach((f, k) => (pattern[f.dim] = Boolean(mask & (1 << k))));
    zeros.push({ ...pattern, risk: RISK_BANDS.filter((b) => b !== band) });
  }
  return zeros;
}

/**
 * The finest cells every table of every view is computed from: one GROUP BY in PostgreSQL over
 * the run's population, filters included as dimensions.
 */
export async function unitCells(db: pg.ClientBase, runId: string): Promise<UnitCell[]> {
  const dims = Object.keys(DIMENSION_SQL);
  const select = dims.map((d) => `${DIMENSION_SQL[d]} AS "${d}"`).join(", ");
  const { rows } = await db.query<Record<string, DimensionValue> & { n: number }>(
    `SELECT ${select}, count(*)::int AS n FROM analysis_child
     WHERE run_id = $1 AND ${POPULATION_SQL}
     GROUP BY ${dims.map((_, i) => i + 1).join(", ")}`,
    [runId],
  );
  return rows.map(({ n, ...values }) => ({ values: { ...values, year: Number(values.year) }, count: n }));
}

/** Every filter combination the page offers: "all" or one value, for year and district. */
export function views(domains: RunDomains): VangeFilters[] {
  const years = [null, ...domains.year];
  const districts = [null, ...domains.districts];
  return years.flatMap((year) => districts.map((district) => ({ year, district })));
}

export function viewKey(f: VangeFilters): string {
  return `${f.year ?? "all"}/${f.district ?? "all"}`;
}

/**
 * All views are protected as ONE publication. Protecting each view on its own would let a
 * reader subtract one view from another (all years minus 2016 gives the other years) and
 * recover a cell that only one of them suppressed.
 */
export function publicationFor(domains: RunDomains, cells: UnitCell[], threshold: number): { publication: ProtectedPublication; layouts: Layout[] } {
  const dims = baseDomains(domains);
  const base = layouts(dims, domains.oaArea);
  const all: Layout[] = views(domains).flatMap((v) =>
    base.map((l) => {
      const filter: Record<string, DimensionValue | readonly DimensionValue[]> = { ...(l.spec.filter ?? {}) };
      if (v.year !== null) filter.year = v.year;
      if (v.district !== null) filter.district = v.district;
      return { ...l, spec: { ...l.spec, id: `${viewKey(v)}:${l.spec.id}`, filter } };
    }),
  );
  const publication = protectPublication({
    threshold,
    base: { dimensions: dims, cells, structuralZeros: structuralZeros(domains) },
    tables: all.map((l) => l.spec),
  });
  return { publication, layouts: all };
}

const label = (labels: Record<string, Record<string, string>>, dim: string, v: DimensionValue | null | undefined) =>
  v === null || v === undefined ? "Total" : (labels[dim]?.[String(v)] ?? String(v));

/** Turns one protected table into what the page, the chart and the CSV show. */
export function displayTable(layout: Layout, table: ProtectedTable): DisplayTable {
  const rowDim = table.rows[0];
  const colDim = table.columns[0];
  const pct = table.measure === "percentage";
  const rowKeys = rowDim ? [...new Set(table.cells.map((c) => c.key[rowDim] ?? null))] : [null];
  const colKeys = colDim ? [...new Set(table.cells.map((c) => c.key[colDim] ?? null))] : [null];
  const cellAt = (r: DimensionValue | null, c: DimensionValue | null) =>
    table.cells.find((cell) => (rowDim ? (cell.key[rowDim] ?? null) === r : true) && (colDim ? (cell.key[colDim] ?? null) === c : true));
  const note = tableNote(table, "children");
  const series = chartSeries(table, { unit: "children" });

  let header: string[];
  let rows: string[][];
  let chartCategory: string;
  let chartSeriesSpec: ChartSeriesSpec[];
  let data: Record<string, string | number>[];
  if (colDim && rowDim) {
    // Two-way: rows × columns, one value per cell.
    header = [dimTitle(rowDim), ...colKeys.map((c) => label(layout.labels, colDim, c))];
    rows = rowKeys.map((r) => [label(layout.labels, rowDim, r), ...colKeys.map((c) => formatValue(cellAt(r, c)!.value, table.measure))]);
    chartCategory = dimTitle(rowDim);
    chartSeriesSpec = colKeys.filter((c) => c !== null).map((c) => ({ key: String(c), label: label(layout.labels, colDim, c) }));
    data = rowKeys
      .filter((r) => r !== null)
      .map((r) => {
        const point: Record<string, string | number> = { category: label(layout.labels, rowDim, r) };
        for (const p of series.points) if (p.key[rowDim] === r && p.key[colDim] !== null) point[String(p.key[colDim])] = p.value;
        return point;
      });
  } else {
    const dim = (rowDim ?? colDim)!;
    const keys = rowDim ? rowKeys : colKeys;
    header = pct ? [dimTitle(dim), "Children", "Reaching it", "%"] : [dimTitle(dim), "Children"];
    rows = keys.map((k) => {
      const cell = rowDim ? cellAt(k, null)! : cellAt(null, k)!;
      return pct
        ? [
            label(layout.labels, dim, k),
            formatValue(cell.denominator!, "count"),
            formatValue(cell.numerator!, "count"),
            formatValue(cell.value, "percentage"),
          ]
        : [label(layout.labels, dim, k), formatValue(cell.value, "count")];
    });
    chartCategory = dimTitle(dim);
    chartSeriesSpec = [{ key: "value", label: layout.measure }];
    data = keys
      .filter((k) => k !== null)
      .map((k) => {
        const p = series.points.find((pt) => pt.key[dim] === k);
        const point: Record<string, string | number> = { category: label(layout.labels, dim, k) };
        if (p) point.value = p.value;
        return point;
      });
  }
  return {
    id: table.id,
    title: layout.title,
    measure: layout.measure,
    header,
    rows,
    note,
    chart: { category: chartCategory, series: chartSeriesSpec, data, unit: pct ? "percent" : "count", note: series.note },
  };
}

function dimTitle(dim: string): string {
  const titles: Record<string, string> = {
    year: "Assessment year",
    area: "Area",
    oa: "Output area",
    gender: "Gender",
    fsm: "Free school meals",
    ethnicity: "Ethnic group",
    season: "Season of birth",
    risk: "Household factors",
  };
  return titles[dim] ?? (FACTORS.find((f) => f.dim === dim) ? "Household factor" : dim);
}

/** The sections of every view, keyed by {@link viewKey}. */
export function buildViews(
  domains: RunDomains,
  cells: UnitCell[],
  threshold: number,
  computed: { publication: ProtectedPublication; layouts: Layout[] } = publicationFor(domains, cells, threshold),
): Map<string, DashboardSection[]> {
  const { publication, layouts: all } = computed;
  const byId = new Map(publication.tables.map((t) => [t.id, t]));
  const out = new Map<string, DashboardSection[]>();
  for (const v of views(domains)) {
    const prefix = `${viewKey(v)}:`;
    out.set(
      viewKey(v),
      SECTIONS.map((s) => ({
        ...s,
        tables: all
          .filter((l) => l.section === s.id && l.spec.id.startsWith(prefix))
          .map((l) => ({ ...displayTable(l, byId.get(l.spec.id)!), id: l.spec.id.slice(prefix.length) })),
      })),
    );
  }
  return out;
}

export function tableCsv(t: DisplayTable): string {
  return csvDocument(t.header, t.rows, { bom: true });
}
