// `npm run bench:tf [-- --families 100000 --cohorts 6 --repeat 3]`: generates planted Troubled
// Families batches (two councils, one batch per council and half-year), loads them through the
// ingest pipeline, then times a full evaluation run (lib/troubled-families/run.server.ts: reading
// every live batch, choosing each family's cohort and group, one propensity model and matching,
// the evaluation of every council and all councils per cohort and pooled, disclosure control
// across all of them, storing the published results and the live switch) against a plain SQL
// aggregation of the same rows (group means before and after per council, cohort and group), and
// prints one JSON line. A benchmark, not a test. Uses DATABASE_URL (a role that may create roles
// and databases) or an embedded PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { benchDatabase } from "./bench-database";
import { getDataset } from "@/lib/datasets";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { ingestFile } from "@/lib/ingest/pipeline";
import { agreementIdBySlug } from "@/lib/matching/jobs";
import { TROUBLED_FAMILIES_SUPPLIERS, seedDemoOrganisations } from "@/lib/setup/demo-organisations";
import { batchCsvFiles } from "@/lib/troubled-families/csv-rows";
import { generateTroubledFamilies } from "@/lib/troubled-families/generate";
import { TF_AGREEMENT, computeTfRun, tfLiveBatches } from "@/lib/troubled-families/run.server";

const { values } = parseArgs({
  options: {
    families: { type: "string", default: "100000" },
    cohorts: { type: "string", default: "6" },
    repeat: { type: "string", default: "3" },
  },
});
const families = Number(values.families);
const cohortCount = Number(values.cohorts);
const repeat = Math.max(1, Number(values.repeat));
const periods = Array.from({ length: cohortCount }, (_, i) => `${2015 + Math.floor((i + 1) / 2)}-H${(i + 1) % 2 === 0 ? 1 : 2}`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-tf-"));
fs.chmodSync(work, 0o755);
process.env.PORTAL_DATA_DIR = work;
const log = (line: string) => process.stderr.write(`[bench:tf] ${line}\n`);

/** The same rows summarised by hand in one statement: what a run costs beyond reading them. */
const AGGREGATE = `
SELECT t.org_id, t.batch_period, t."group", count(*) AS people, count(DISTINCT t.family_key) AS families,
       avg(t.offences_before), avg(t.offences_after), avg(t.asb_incidents_before), avg(t.asb_incidents_after),
       avg(t.dv_incidents_before), avg(t.dv_incidents_after), avg(t.absence_rate_before), avg(t.absence_rate_after),
       avg(t.out_of_work_benefits_before::int), avg(t.out_of_work_benefits_after::int)
FROM ds_troubled_families t
WHERE t.batch_id = ANY ($1::uuid[])
GROUP BY t.org_id, t.batch_period, t."group"`;

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: Number((s[Math.floor(s.length / 2)]! / 1000).toFixed(2)),
    min: Number((s[0]! / 1000).toFixed(2)),
    max: Number((s[s.length - 1]! / 1000).toFixed(2)),
  };
};

const database = await benchDatabase("tf", work, log);
const adminUrl = database.adminUrl;

try {
  await seedDemoOrganisations();

  const councils = [...TROUBLED_FAMILIES_SUPPLIERS];
  const perBatch = Math.ceil(families / (councils.length * periods.length));
  log(`generating ${families.toLocaleString("en-GB")} families over ${periods.length} half-years for ${councils.length} councils…`);
  const persons = generateTroubledFamilies({ seed: 2015, councils, periods, familiesPerBatch: perBatch });
  const orgs = await withContext({ kind: "system", purpose: "bench" }, (tx) => tx.organisation.findMany({ select: { id: true, slug: true } }));
  const columns = getDataset("troubled-families").columns.map((c) => c.name);
  let rows = 0;
  for (const { council, period, csv } of batchCsvFiles(persons, columns).values()) {
    const result = await ingestFile({
      orgId: orgs.find((o) => o.slug === council)!.id,
      datasetId: "troubled-families",
      period,
      source: "cli",
      originalFilename: `${council}_${period}.csv`,
      loadValidRows: false,
      actor: { label: "bench" },
      input: Readable.from([Buffer.from(csv, "utf8")]),
    });
    if (result.status !== "loaded") throw new Error(`${council} ${period} was not loaded: ${result.message}`);
    rows += result.rowsLoaded;
  }
  log(`${rows.toLocaleString("en-GB")} people in ${councils.length * periods.length} batches loaded`);
  const agreementId = await agreementIdBySlug(TF_AGREEMENT);
  const batchIds = await withContextClient({ kind: "matching" }, async (c) => (await tfLiveBatches(c, agreementId)).map((b) => b.id));
  const { default: pg } = await import("pg");
  const owner = new pg.Client({ connectionString: adminUrl });
  await owner.connect();
  await owner.query("ANALYZE");
  await owner.end();

  const runs: number[] = [];
  const sqls: number[] = [];
  const stages = new Map<string, number[]>();
  // CPU time of this process during the run: less disturbed by other work on a shared machine
  // than the wall-clock time (it leaves out PostgreSQL's share of reading the rows).
  const cpus: number[] = [];
  let scopes = 0;
  for (let i = 0; i < repeat; i++) {
    // The run's own work, stage by stage: the same function the queued job calls.
    const { id: runId } = await withContext({ kind: "matching" }, (tx) =>
      tx.matchingRun.create({ data: { agreementId, trigger: "benchmark", status: "running", startedAt: new Date() } }),
    );
    let stage = "start";
    const cpu = process.cpuUsage();
    let t = performance.now();
    let stageStart = t;
    await computeTfRun(runId, async (_p, next) => {
      const now = performance.now();
      stages.set(stage, [...(stages.get(stage) ?? []), now - stageStart]);
      stage = next;
      stageStart = now;
    });
    const end = performance.now();
    stages.set(stage, [...(stages.get(stage) ?? []), end - stageStart]);
    runs.push(end - t);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
    scopes = await withContext({ kind: "matching" }, (tx) => tx.tfEvaluationResult.count({ where: { runId } }));
    t = performance.now();
    await withContextClient({ kind: "matching" }, (c) => c.query(AGGREGATE, [batchIds]));
    sqls.push(performance.now() - t);
    log(`round ${i + 1}: evaluation run ${Math.round(runs[i]!)} ms, SQL aggregation ${Math.round(sqls[i]!)} ms`);
  }
  const run = stats(runs);
  const sql = stats(sqls);
  console.log(
    JSON.stringify({
      bench: "tf",
      families: perBatch * councils.length * periods.length,
      people: rows,
      councils: councils.length,
      cohorts: periods.length,
      scopesPublished: scopes,
      evaluationSeconds: run,
      evaluationNodeCpuSeconds: stats(cpus),
      sqlAggregationSeconds: sql,
      ratio: Number((run.median / sql.median).toFixed(1)),
      stageSeconds: Object.fromEntries([...stages].map(([k, v]) => [k, stats(v).median])),
      targetSeconds: 10,
      meetsTarget: run.median < 10,
      rounds: repeat,
    }),
  );
} finally {
  await database.close();
  fs.rmSync(work, { recursive: true, force: true });
}
