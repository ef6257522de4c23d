// `npm run bench:match [-- --households 600000 --children-per-year 6000]`: generates an Essex-scale
// synthetic population, loads it through the ingest pipeline, then times a full matching run
// (lib/matching: key collection, per-dataset passes with statistics and key-quality checks, the
// analysis table, the live switch) against ONE hand-written SQL join producing the same analysis
// table, checks that both tables are identical, and prints one JSON line. A benchmark, not a test.
// Uses DATABASE_URL (a role that may create roles and databases) or an embedded PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDatabase } from "./bench-database";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import { generateDemoData, type DemoResult } from "@/lib/demo";
import { loadOutputAreas } from "@/lib/geography/load";
import { ingestFile } from "@/lib/ingest/pipeline";
import { agreementIdBySlug, runMatchingInProcess } from "@/lib/matching/jobs";
import { discardStaleAnalysis, liveBatches } from "@/lib/matching/run";
import { ANALYSIS_COLUMNS } from "@/lib/matching/sql";
import { ESSEX_PILOT_SUPPLIERS, seedDemoOrganisations } from "@/lib/setup/demo-organisations";

const { values } = parseArgs({
  options: {
    households: { type: "string", default: "600000" },
    "children-per-year": { type: "string", default: "18000" },
    rows: { type: "string", default: "1500000" },
    repeat: { type: "string", default: "2" },
    keep: { type: "boolean", default: false },
  },
});
const households = Number(values.households);
const childrenPerYear = Number(values["children-per-year"]);
const repeat = Math.max(1, Number(values.repeat));
const targetRows = Number(values.rows);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-match-"));
fs.chmodSync(work, 0o755);
process.env.PORTAL_DATA_DIR = work;
const log = (line: string) => process.stderr.write(`[bench:match] ${line}\n`);

/*
 * The baseline: the analysis table written by hand as a single statement, every dataset
 * aggregated per key in a derived table and joined to the cohort. It does none of the run's
 * bookkeeping (statistics, key-quality checks, blank-digest exclusion, progress, live switch),
 * which is exactly the overhead the ratio measures. Same output on data without blank digests.
 * Keys are grouped in the "C" collation, as the run groups them: a hand-writer who knows the keys
 * are hex would do the same, and the comparison should not turn on a collation setting.
 */
const BASELINE = `
INSERT INTO analysis_child (run_id, ${ANALYSIS_COLUMNS.join(", ")})
SELECT $1::uuid,
  row_number() OVER (ORDER BY s.person_key COLLATE "C", s.assessment_year)::int,
  s.assessment_year, s.school_district,
  CASE WHEN g.ward_name IS NULL THEN 'unknown' WHEN g.ward_name = 'Vange' THEN 'vange' ELSE 'rest' END,
  g.oa_code, s.gender, s.fsm,
  CASE WHEN s.ethnicity IN ('REFU', 'NOBT') THEN 'unknown' WHEN s.ethnicity = 'CHNE' THEN 'asian' WHEN s.ethnicity = 'OOTH' THEN 'other'
       ELSE CASE left(s.ethnicity, 1) WHEN 'W' THEN 'white' WHEN 'M' THEN 'mixed' WHEN 'A' THEN 'asian' WHEN 'B' THEN 'black' ELSE 'other' END END,
  CASE WHEN extract(month FROM s.birth_month) >= 9 THEN 'autumn' WHEN extract(month FROM s.birth_month) <= 4 THEN 'spring' ELSE 'summer' END,
  CASE WHEN num_nulls(s.elg01_listening_attention, s.elg02_understanding, s.elg03_speaking, s.elg04_moving_handling, s.elg05_health_self_care,
         s.elg06_self_confidence, s.elg07_managing_feelings, s.elg08_making_relationships, s.elg09_reading, s.elg10_writing, s.elg11_numbers,
         s.elg12_shape_space_measures) > 0 THEN NULL
       ELSE least(s.elg01_listening_attention, s.elg02_understanding, s.elg03_speaking, s.elg04_moving_handling, s.elg05_health_self_care,
         s.elg06_self_confidence, s.elg07_managing_feelings, s.elg08_making_relationships, s.elg09_reading, s.elg10_writing, s.elg11_numbers,
         s.elg12_shape_space_measures) >= 2 END,
  CASE WHEN num_nulls(s.elg01_listening_attention, s.elg02_understanding, s.elg03_speaking) > 0 THEN NULL
       ELSE least(s.elg01_listening_attention, s.elg02_understanding, s.elg03_speaking) >= 2 END,
  CASE WHEN num_nulls(s.elg04_moving_handling, s.elg05_health_self_care) > 0 THEN NULL ELSE least(s.elg04_moving_handling, s.elg05_health_self_care) >= 2 END,
  CASE WHEN num_nulls(s.elg06_self_confidence, s.elg07_managing_feelings, s.elg08_making_relationships) > 0 THEN NULL
       ELSE least(s.elg06_self_confidence, s.elg07_managing_feelings, s.elg08_making_relationships) >= 2 END,
  CASE WHEN num_nulls(s.elg09_reading, s.elg10_writing) > 0 THEN NULL ELSE least(s.elg09_reading, s.elg10_writing) >= 2 END,
  CASE WHEN num_nulls(s.elg11_numbers, s.elg12_shape_space_measures) > 0 THEN NULL ELSE least(s.elg11_numbers, s.elg12_shape_space_measures) >= 2 END,
  CASE WHEN num_nulls(s.elg13_people_communities, s.elg14_the_world, s.elg15_technology) > 0 THEN NULL
       ELSE least(s.elg13_people_communities, s.elg14_the_world, s.elg15_technology) >= 2 END,
  CASE WHEN num_nulls(s.elg16_media_materials, s.elg17_being_imaginative) > 0 THEN NULL ELSE least(s.elg16_media_materials, s.elg17_being_imaginative) >= 2 END,
  hb.k IS NOT NULL, scp.k IS NOT NULL, sca.k IS NOT NULL, yo.k IS NOT NULL, da.k IS NOT NULL, pc.k IS NOT NULL,
  coalesce(hb.low_income, false), coalesce(hb.lone_parent, false), scp.k IS NOT NULL, coalesce(yo.yos_known, false),
  coalesce(da.in_treatment, false), coalesce(pc.crime_asb, false), coalesce(pc.dv_victim, false),
  (coalesce(hb.low_income, false)::int + coalesce(hb.lone_parent, false)::int + (scp.k IS NOT NULL)::int + coalesce(yo.yos_known, false)::int
   + coalesce(da.in_treatment, false)::int + coalesce(pc.crime_asb, false)::int + coalesce(pc.dv_victim, false)::int)::smallint
FROM ds_school_readiness s
LEFT JOIN geo_address_area g ON g.address_key = s.address_key
LEFT JOIN (SELECT address_key COLLATE "C" AS k,
             bool_or(coalesce(housing_benefit_gbp, 0) > 0 OR coalesce(council_tax_reduction_gbp, 0) > 0 OR coalesce(council_tax_reduction_pct, 0) > 0) AS low_income,
             bool_or(lone_parent_premium) AS lone_parent
           FROM ds_housing_benefits WHERE batch_id = ANY ($2::uuid[]) GROUP BY 1) hb ON hb.k = s.address_key COLLATE "C"
LEFT JOIN (SELECT DISTINCT person_key COLLATE "C" AS k FROM ds_social_care WHERE batch_id = ANY ($2::uuid[])) scp ON scp.k = s.person_key COLLATE "C"
LEFT JOIN (SELECT DISTINCT address_key COLLATE "C" AS k FROM ds_social_care WHERE batch_id = ANY ($2::uuid[])) sca ON sca.k = s.address_key COLLATE "C"
LEFT JOIN (SELECT address_key COLLATE "C" AS k, bool_or(yos_known) AS yos_known FROM ds_youth_offending WHERE batch_id = ANY ($2::uuid[]) GROUP BY 1) yo
  ON yo.k = s.address_key COLLATE "C"
LEFT JOIN (SELECT address_key COLLATE "C" AS k, bool_or(in_treatment <> 'none' OR in_treatment_last_12m) AS in_treatment
           FROM ds_drug_alcohol WHERE batch_id = ANY ($2::uuid[]) GROUP BY 1) da ON da.k = s.address_key COLLATE "C"
LEFT JOIN (SELECT address_key COLLATE "C" AS k, bool_or(offender_address OR asb_address) AS crime_asb, bool_or(dv_victim_address) AS dv_victim
           FROM ds_police_crime WHERE batch_id = ANY ($2::uuid[]) GROUP BY 1) pc ON pc.k = s.address_key COLLATE "C"
WHERE s.batch_id = ANY ($2::uuid[])`;

/*
 * The demo model writes about one partner row per two households; Essex's extracts carry more
 * (repeat incidents, claimants outside the cohort's streets). Valid rows from the registry's
 * generator, keyed apart from every demo key, make up the difference: they are data the run
 * must read and aggregate, and that links to no child, as most partner rows do.
 */
const TOP_UP_SHARES: [string, number][] = [
  ["police-crime", 0.55],
  ["housing-benefits", 0.15],
  ["drug-alcohol", 0.1],
  ["youth-offending", 0.1],
  ["social-care", 0.1],
];

function topUp(demo: DemoResult, target: number): number {
  const have = demo.files.filter((f) => f.datasetId in ESSEX_PILOT_SUPPLIERS).reduce((n, f) => n + f.rows, 0);
  const extra = Math.max(0, target - have);
  TOP_UP_SHARES.forEach(([datasetId, share], k) => {
    const file = demo.files.find((f) => f.datasetId === datasetId)!;
    const id = datasetId as Parameters<typeof headerLine>[0];
    if (
      fs
        .readFileSync(file.path, "utf8")
        .split("\n", 1)[0]!
        .replace(/^\uFEFF/, "")
        .trim() !== headerLine(id)
    ) {
      throw new Error(`${datasetId}: the demo file's columns are not in specification order`);
    }
    const n = Math.round(extra * share);
    const fd = fs.openSync(file.path, "a");
    let chunk = "";
    for (let i = 0; i < n; i++) {
      chunk += sampleRowCells(id, (k + 1) * 10_000_000 + i).join(",") + "\n";
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = "";
      }
    }
    fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    file.rows += n;
  });
  return have + extra;
}

const database = await benchDatabase("match", work, log);
const adminUrl = database.adminUrl;

try {
  await seedDemoOrganisations();

  log(`generating ${households.toLocaleString("en-GB")} households…`);
  const demo = await generateDemoData({ outDir: path.join(work, "demo"), households, childrenPerYear, years: [2014, 2015, 2016] });
  const rows = topUp(demo, targetRows);
  log(`${rows.toLocaleString("en-GB")} rows over six datasets; loading them through the ingest pipeline…`);
  const orgs = await withContext({ kind: "system", purpose: "bench" }, (tx) => tx.organisation.findMany({ select: { id: true, slug: true } }));
  for (const f of demo.files) {
    const slug = ESSEX_PILOT_SUPPLIERS[f.datasetId];
    if (!slug) continue;
    const result = await ingestFile({
      orgId: orgs.find((o) => o.slug === slug)!.id,
      datasetId: f.datasetId,
      source: "cli",
      originalFilename: path.basename(f.path),
      loadValidRows: false,
      actor: { label: "bench" },
      input: fs.createReadStream(f.path, { highWaterMark: 1 << 20 }),
    });
    if (result.status !== "loaded") throw new Error(`${f.datasetId} was not loaded: ${result.message}`);
    log(`  ${f.datasetId}: ${result.rowsLoaded.toLocaleString("en-GB")} rows`);
  }
  await loadOutputAreas(demo.outputAreasPath, "bench");
  const agreementId = await agreementIdBySlug("essex-pilot");
  const batchIds = await withContextClient({ kind: "matching" }, async (c) => (await liveBatches(c, agreementId)).map((b) => b.id));
  // Fresh statistics for the planner, as autovacuum would have after a real load.
  const { default: pg } = await import("pg");
  const owner = new pg.Client({ connectionString: adminUrl });
  await owner.connect();
  await owner.query("ANALYZE");

  const baseline = async (): Promise<{ ms: number; runId: string }> => {
    const run = await withContext({ kind: "matching" }, (tx) =>
      tx.matchingRun.create({ data: { agreementId, trigger: "benchmark", status: "running" } }),
    );
    const t = performance.now();
    await withContextClient({ kind: "matching" }, async (c) => {
      // The same session settings as the matching run.
      await c.query("SET LOCAL work_mem = '256MB'");
      await c.query("SET LOCAL jit = off");
      await c.query(BASELINE, [run.id, batchIds]);
    });
    return { ms: performance.now() - t, runId: run.id };
  };
  const job = async (): Promise<{ ms: number; runId: string }> => {
    // The previous round's baseline rows are the benchmark's own litter, not the run's work.
    await discardStaleAnalysis(agreementId);
    const t = performance.now();
    const { runId } = await runMatchingInProcess({ trigger: "benchmark", agreementId });
    return { ms: performance.now() - t, runId };
  };

  const joins: number[] = [];
  const runs: number[] = [];
  let last: { job: string; join: string } = { job: "", join: "" };
  for (let i = 0; i < repeat; i++) {
    // The run discards every non-live run's rows when it goes live, so the join runs second.
    const j = await job();
    const b = await baseline();
    joins.push(b.ms);
    runs.push(j.ms);
    last = { job: j.runId, join: b.runId };
    log(`round ${i + 1}: matching run ${Math.round(j.ms)} ms, hand-written join ${Math.round(b.ms)} ms`);
  }

  // Both tables must be the same, row for row, or the comparison means nothing.
  const cols = ANALYSIS_COLUMNS.join(", ");
  const diff = await withContextClient({ kind: "researcher", userId: "00000000-0000-0000-0000-000000000000" }, async (c) => {
    const q = (a: string, b: string) =>
      c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM (SELECT ${cols} FROM analysis_child WHERE run_id = $1 EXCEPT ALL SELECT ${cols} FROM analysis_child WHERE run_id = $2) d`,
        [a, b],
      );
    const children = await c.query<{ n: number }>("SELECT count(*)::int AS n FROM analysis_child WHERE run_id = $1", [last.job]);
    return { children: children.rows[0]!.n, onlyJob: (await q(last.job, last.join)).rows[0]!.n, onlyJoin: (await q(last.join, last.job)).rows[0]!.n };
  });
  await owner.end();
  if (diff.onlyJob !== 0 || diff.onlyJoin !== 0) throw new Error(`the two analysis tables differ: ${JSON.stringify(diff)}`);

  const runMs = Math.min(...runs);
  const joinMs = Math.min(...joins);
  console.log(
    JSON.stringify({
      bench: "match",
      households,
      rows,
      children: diff.children,
      matchingRunMs: Math.round(runMs),
      handWrittenJoinMs: Math.round(joinMs),
      ratio: Number((runMs / joinMs).toFixed(2)),
      target: 1.5,
      identicalTables: true,
      rounds: repeat,
    }),
  );
} finally {
  await database.close({ keep: values.keep });
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}
