// `npm run bench:ingest [-- --rows 1000000 | --target-mb 1024]`: times the full ingest pipeline (parse, validate,
// guard, store, COPY, INSERT … SELECT under RLS) against a plain COPY of the same file into an
// unconstrained table on the same database, and prints one JSON line. A benchmark, not a test.
// The two are timed in turn `--repeat` times (default 3) and the median ratio is reported: on a
// shared 2-core machine a single pair can be off by 20 % either way.
// Uses DATABASE_URL (a role that may create roles and databases) or an embedded PostgreSQL.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { getDataset, isDatasetId, sqlColumns, type DatasetId } from "@/lib/datasets";
import { generateCsv } from "@/lib/datasets/testing/generate";
import { bootstrapDatabase } from "@/lib/db/bootstrap";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort, startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { withContext } from "@/lib/db/tenant";
import { ingestFile } from "@/lib/ingest/pipeline";

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    // The memory target is stated for a file of a size, not a row count: this picks the rows.
    "target-mb": { type: "string" },
    dataset: { type: "string", default: "housing-benefits" },
    keep: { type: "boolean", default: false },
    repeat: { type: "string", default: "3" },
  },
});
if (!isDatasetId(values.dataset!) || getDataset(values.dataset).needsPeriod)
  throw new Error(`--dataset must be one of the datasets without a batch period`);
const datasetId: DatasetId = values.dataset;
let rows = Number(values.rows);
if (values["target-mb"] !== undefined) {
  const targetBytes = Number(values["target-mb"]) * 1024 ** 2;
  if (!(targetBytes > 0)) throw new Error("--target-mb must be a positive number");
  const sampleRows = 10_000;
  let sampleBytes = 0;
  for await (const chunk of generateCsv(datasetId, sampleRows)) sampleBytes += chunk.length;
  rows = Math.max(1, Math.round((targetBytes / sampleBytes) * sampleRows));
}
if (!Number.isInteger(rows) || rows < 1) throw new Error("--rows must be a positive whole number");
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error("--repeat must be a positive whole number");

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-"));
// The embedded cluster runs as its own OS user when we are root: it must reach its folder.
fs.chmodSync(work, 0o755);
process.env.PORTAL_DATA_DIR = work;
const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

let embedded: EmbeddedDatabase | undefined;
let adminUrl: string;
if (process.env.DATABASE_URL) {
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/portal_bench_${process.pid}`;
  adminUrl = u.toString();
} else {
  log("starting an embedded PostgreSQL…");
  // A random starting port: test runs starting clusters at the same time probe from 54329.
  const port = await findFreePort(55_000 + Math.floor(Math.random() * 5_000));
  embedded = await startEmbeddedPostgres({ dir: path.join(work, "pg"), password: "bench", persistent: false, port });
  adminUrl = embedded.superuserUrl("portal_bench");
}

try {
  const { appUrl } = await bootstrapDatabase({ adminUrl, appPassword: "bench-app-role" });
  await migrate({ connectionString: adminUrl });
  process.env.DATABASE_APP_URL = appUrl;

  const file = path.join(work, `${datasetId}.csv`);
  log(`generating ${rows.toLocaleString("en-GB")} ${datasetId} rows…`);
  await pipeline(generateCsv(datasetId, rows, { chunkBytes: 1 << 20 }), fs.createWriteStream(file));
  const fileBytes = fs.statSync(file).size;

  // The pipeline takes a dataset only from its supplier under an agreement in force (decision 110).
  const org = await withContext({ kind: "system", purpose: "bench" }, async (tx) => {
    const o = await tx.organisation.create({ data: { slug: `bench-${process.pid}`, name: "Benchmark borough", kind: "borough_council" } });
    const today = new Date();
    const a = await tx.agreement.create({
      data: {
        slug: `bench-${process.pid}`,
        name: "Benchmark agreement",
        purpose: "benchmark",
        ownerOrgId: o.id,
        startDate: new Date(today.getTime() - 86_400_000),
        reviewDate: new Date(today.getTime() + 365 * 86_400_000),
        endDate: new Date(today.getTime() + 365 * 86_400_000),
      },
    });
    await tx.agreementPartner.create({ data: { agreementId: a.id, orgId: o.id, role: "owner" } });
    await tx.agreementDataset.create({ data: { agreementId: a.id, datasetId, supplierOrgId: o.id } });
    return o;
  });

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const cols = sqlColumns(datasetId);
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const runs: { pipelineSeconds: number; copySeconds: number; ratio: number; nodeCpuSeconds: number }[] = [];
  let peakRssGrowth = 0;
  let peakHeapGrowth = 0;
  let peakBufferGrowth = 0;
  for (let run = 1; run <= repeat; run++) {
    // (b) first, so the pipeline does not profit from a warm page cache the COPY did not have.
    log(`run ${run}/${repeat}: plain COPY into an unconstrained table…`);
    await admin.query(`DROP TABLE IF EXISTS bench_plain_copy`);
    await admin.query(`CREATE TABLE bench_plain_copy (${cols.map((c) => `${c.quotedName} ${c.type}`).join(", ")})`);
    const copyStart = process.hrtime.bigint();
    await pipeline(
      fs.createReadStream(file, { highWaterMark: 1 << 20 }),
      admin.query(copyFrom(`COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER true)`)),
    );
    const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9;
    await admin.query(`DROP TABLE bench_plain_copy`);
    // Neither side should pay for the other's dirty pages.
    await admin.query(`CHECKPOINT`);

    log(`run ${run}/${repeat}: full pipeline…`);
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    let peakBuffers = base.arrayBuffers;
    const sample = () => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    };
    const sampler = setInterval(sample, 25);
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = await ingestFile({
      orgId: org.id,
      datasetId,
      source: "cli",
      originalFilename: "bench.csv",
      loadValidRows: false,
      actor: { label: "bench" },
      input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    });
    const pipelineSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    sample();
    if (result.status !== "loaded" || result.rowsLoaded !== rows) throw new Error(`the benchmark file was not loaded whole: ${result.message}`);
    await admin.query(`CHECKPOINT`);
    runs.push({ pipelineSeconds, copySeconds, ratio: pipelineSeconds / copySeconds, nodeCpuSeconds: (cpu.user + cpu.system) / 1e6 });
    peakRssGrowth = Math.max(peakRssGrowth, peakRss - base.rss);
    peakHeapGrowth = Math.max(peakHeapGrowth, peakHeap - base.heapUsed);
    peakBufferGrowth = Math.max(peakBufferGrowth, peakBuffers - base.arrayBuffers);
    log(
      `run ${run}/${repeat}: pipeline ${pipelineSeconds.toFixed(2)} s, COPY ${copySeconds.toFixed(2)} s, ratio ${(pipelineSeconds / copySeconds).toFixed(2)}`,
    );
  }
  const version = (await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
  await admin.end();

  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      dataset: datasetId,
      rows,
      fileMB: round(fileBytes / 1024 ** 2, 1),
      repeat,
      // Medians over the runs; `ratio` is the median of each run's own ratio.
      pipelineSeconds: round(median(runs.map((r) => r.pipelineSeconds))),
      copySeconds: round(median(runs.map((r) => r.copySeconds))),
      ratio: round(median(runs.map((r) => r.ratio))),
      ratios: runs.map((r) => round(r.ratio)),
      pipelineRowsPerSecond: Math.round(rows / median(runs.map((r) => r.pipelineSeconds))),
      // CPU time of this Node process during the pipeline (parse, validate, guard, format): the
      // database's share is the rest of the wall time it is busy.
      nodeCpuSeconds: round(median(runs.map((r) => r.nodeCpuSeconds))),
      // The largest growth over any run.
      peakRssGrowthMB: round(peakRssGrowth / 1024 ** 2, 1),
      // Live JavaScript objects and binary buffers (the validator's key set, stream chunks), at their peaks.
      peakHeapGrowthMB: round(peakHeapGrowth / 1024 ** 2, 1),
      peakBufferGrowthMB: round(peakBufferGrowth / 1024 ** 2, 1),
      // Both sides share the machine with whatever else runs: a figure taken under load is not a quiet one.
      loadAverage: round(os.loadavg()[0]!),
      node: process.version,
      postgres: version,
      cpus: os.cpus().length,
    }),
  );
} finally {
  await closeDatabase();
  await embedded?.stop().catch(() => {});
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}
