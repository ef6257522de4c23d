import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { vangeDashboard, vangeDashboardJson, type VangeDashboard } from "@/lib/dashboards/service";
import { tableCsv } from "@/lib/dashboards/vange";
import { runMatchingInProcess } from "@/lib/matching/jobs";
import { matchRates } from "@/lib/matching/rates";
import { groundTruth, setUpPilot, type Pilot } from "../matching/helpers";

let pilot: Pilot;
let slug: string;
let dashboard: Extract<VangeDashboard, { state: "ready" }>;
const researcher = () => ({ kind: "researcher" as const, userId: randomUUID() });
const THRESHOLD = 5;

beforeAll(async () => {
  pilot = await setUpPilot({ households: 1500, childrenPerYear: 200, seed: 11 });
  await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
  slug = (await withContext({ kind: "system", purpose: "test" }, (tx) => tx.agreement.findUniqueOrThrow({ where: { id: pilot.agreementId } }))).slug;
  const d = await vangeDashboard(researcher(), { year: null, district: null }, slug);
  if (d.state !== "ready") throw new Error("no live run");
  dashboard = d;
}, 300_000);

afterAll(async () => {
  await stopJobQueue();
  await closeDatabase();
});

const tables = (d: Extract<VangeDashboard, { state: "ready" }>) => d.sections.flatMap((s) => s.tables);
const numeric = (v: string) => /^\d+(\.\d)?$/.test(v);

describe("the Vange dashboard", () => {
  it("says there is no run yet when the agreement has none", async () => {
    const d = await vangeDashboard(researcher(), { year: null, district: null }, "no-such-agreement");
    expect(d.state).toBe("no-run");
  });

  it("shows every section the issue asks for, from the live run", () => {
    expect(dashboard.sections.map((s) => s.id)).toEqual(["headline", "areas", "characteristics", "household", "geography"]);
    const ids = tables(dashboard).map((t) => t.id);
    for (const id of [
      "children",
      "gld",
      "gld-gender",
      "gld-fsm",
      "gld-ethnicity",
      "gld-season",
      "gld-risk",
      "gld-oa",
      "aol-aol_literacy",
      "gld-f_social_care",
    ]) {
      expect(ids).toContain(id);
    }
    expect(dashboard.options.years).toEqual([2015, 2016]);
    expect(dashboard.coverage.map((c) => c.datasetId).sort()).toEqual([
      "drug-alcohol",
      "housing-benefits",
      "police-crime",
      "school-readiness",
      "social-care",
      "youth-offending",
    ]);
  });

  it("counts the children with a complete profile, as the ground truth has them", () => {
    const truth = groundTruth(pilot.demo.groundTruthPath);
    const children = tables(dashboard).find((t) => t.id === "children")!;
    const total = children.rows.find((r) => r[0] === "Total")!;
    const grand = Number(total[total.length - 1]);
    expect(grand).toBeGreaterThan(0.9 * truth.length);
    expect(grand).toBeLessThanOrEqual(truth.length);
  });

  it("never shows a count at or below the threshold, and marks withheld values [c]", () => {
    let suppressed = 0;
    for (const t of tables(dashboard)) {
      for (const row of t.rows) {
        for (let i = 1; i < row.length; i++) {
          const v = row[i]!;
          if (v === "[c]") suppressed++;
          else expect(numeric(v), `${t.id}: ${row.join(",")}`).toBe(true);
          const isCount = t.chart.unit === "count" || t.header[i] === "Children" || t.header[i] === "Reaching it";
          if (isCount && v !== "[c]") expect(Number(v), `${t.id}: ${row.join(",")}`).toBeGreaterThan(THRESHOLD);
        }
      }
      // A suppressed value is never drawn.
      for (const d of t.chart.data) for (const s of t.chart.series) if (typeof d[s.key] === "number") expect(d[s.key]).toBeGreaterThanOrEqual(0);
    }
    expect(suppressed).toBeGreaterThan(0);
    const withC = tables(dashboard).filter((t) => t.rows.some((r) => r.includes("[c]")));
    for (const t of withC) expect(t.note).toMatch(/\[c\]/);
  });

  it("leaves suppressed points out of the charts, with the engine's note", () => {
    const t = tables(dashboard).find((x) => x.rows.some((r) => r.includes("[c]") && r[0] !== "Total") && x.chart.series.length === 1)!;
    expect(t).toBeDefined();
    const hidden = t.rows.filter((r) => r[r.length - 1] === "[c]" && r[0] !== "Total").map((r) => r[0]);
    for (const label of hidden) expect(t.chart.data.find((d) => d.category === label)?.value).toBeUndefined();
    expect(t.chart.note).toMatch(/\[c\]/);
  });

  it("exports exactly the table shown, [c] included, with formulas neutralised", () => {
    const t = tables(dashboard).find((x) => x.rows.some((r) => r.includes("[c]")))!;
    const csv = tableCsv(t).replace(/^\uFEFF/, "");
    const parsed = Papa.parse<string[]>(csv.trim(), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(t.header);
    expect(parsed.slice(1)).toEqual(t.rows);
    expect(csv).toContain("[c]");
  });

  it("protects all filter views as one publication: no year's hidden value is the difference of two shown ones", async () => {
    const year = dashboard.options.years[0]!;
    const other = dashboard.options.years[1]!;
    const byYear = await vangeDashboard(researcher(), { year, district: null }, slug);
    const byOther = await vangeDashboard(researcher(), { year: other, district: null }, slug);
    if (byYear.state !== "ready" || byOther.state !== "ready") throw new Error("no live run");
    expect(byYear.filters.year).toBe(year);
    for (const t of tables(byYear)) {
      const all = tables(dashboard).find((x) => x.id === t.id)!;
      const o = tables(byOther).find((x) => x.id === t.id)!;
      t.rows.forEach((row, r) => {
        row.forEach((v, i) => {
          if (i === 0 || v !== "[c]" || t.header[i] === "%") return;
          const a = all.rows[r]?.[i];
          const b = o.rows[r]?.[i];
          expect(a !== undefined && b !== undefined && numeric(a) && numeric(b), `${t.id} ${row[0]} ${t.header[i]}`).toBe(false);
        });
      });
    }
  });

  it("serves the data endpoint exactly the sections the page shows", async () => {
    const year = dashboard.options.years[1]!;
    const page = await vangeDashboard(researcher(), { year, district: null }, slug);
    const api = JSON.parse((await vangeDashboardJson(researcher(), { year, district: null }, slug)).body.toString("utf8"));
    if (page.state !== "ready") throw new Error("no live run");
    expect(api.state).toBe("ready");
    expect(api.filters).toEqual({ year, district: null });
    expect(api.sections).toEqual(JSON.parse(JSON.stringify(page.sections)));
    expect(api.run.threshold).toBe(THRESHOLD);
  });

  it("ignores filters outside the run's values instead of trusting them", async () => {
    const d = await vangeDashboard(researcher(), { year: 1999, district: "NOWHERE" }, slug);
    if (d.state !== "ready") throw new Error("no live run");
    expect(d.filters).toEqual({ year: null, district: null });
  });
});

describe("who may read what", () => {
  it("keeps partner rows from researchers and the analysis table from partners", async () => {
    for (const table of ["ds_school_readiness", "ds_housing_benefits", "ds_social_care", "ds_police_crime", "geo_address_area"]) {
      const seen = await withContextClient(researcher(), (c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`));
      expect(seen.rows[0]!.n, table).toBe(0);
    }
    const partnerSees = await withContextClient({ kind: "org", orgId: pilot.orgs.county }, (c) =>
      c.query<{ n: number }>("SELECT count(*)::int AS n FROM analysis_child"),
    );
    expect(partnerSees.rows[0]!.n).toBe(0);
    const matchingSees = await withContextClient({ kind: "matching" }, (c) =>
      c.query<{ n: number }>("SELECT count(*)::int AS n FROM analysis_child"),
    );
    expect(matchingSees.rows[0]!.n).toBe(0);
    const researcherSees = await withContextClient(researcher(), (c) => c.query<{ n: number }>("SELECT count(*)::int AS n FROM analysis_child"));
    expect(researcherSees.rows[0]!.n).toBeGreaterThan(0);
  });

  it("shows a partner only its own datasets' match rates; researchers see all", async () => {
    const police = await withContextClient({ kind: "org", orgId: pilot.orgs.police }, (c) =>
      c.query<{ org_id: string }>("SELECT DISTINCT org_id FROM matching_run_dataset"),
    );
    expect(police.rows.map((r) => r.org_id)).toEqual([pilot.orgs.police]);
    const warnings = await withContextClient({ kind: "org", orgId: pilot.orgs.police }, (c) =>
      c.query<{ n: number }>("SELECT count(*)::int AS n FROM matching_quality_warning WHERE org_id <> $1", [pilot.orgs.police]),
    );
    expect(warnings.rows[0]!.n).toBe(0);

    const own = await matchRates({ kind: "org", orgId: pilot.orgs.borough }, slug);
    expect(own.rates.map((r) => r.dataset)).toEqual(["Housing and benefits"]);
    const all = await matchRates(researcher(), slug);
    expect(new Set(all.rates.map((r) => r.dataset)).size).toBe(6);
    for (const r of all.rates) for (const v of [r.rows, r.keys, r.matched]) expect(v === "[c]" || Number(v) > THRESHOLD).toBe(true);
  });

  it("lets no context but the matching job write runs or analysis rows", async () => {
    await expect(
      withContextClient(researcher(), (c) =>
        c.query("INSERT INTO matching_run (agreement_id, trigger) VALUES ($1, 'on-demand')", [pilot.agreementId]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(withContextClient(researcher(), (c) => c.query("SELECT matching_discard_analysis(ARRAY[]::uuid[])"))).rejects.toThrow(
      /only the matching job/,
    );
  });
});
