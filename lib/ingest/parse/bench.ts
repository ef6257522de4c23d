import "server-only";
/*
 * Throughput of parse + validate + identifier guard, single core, no database:
 *   node --import tsx --import ./scripts/shims/register.mjs lib/ingest/parse/bench.ts [dataset] [rows] [repeats]
 * The file is generated in memory first, so only validation is timed. CPU time is
 * reported next to wall time because on a shared machine wall time mostly measures
 * the neighbours; the best of several repeats is the least disturbed one.
 */
import { DATASET_IDS, type DatasetId } from "@/lib/datasets";
import { generateCsv } from "@/lib/datasets/testing/generate";
import { validateCsv } from "@/lib/ingest/parse";

const id = (process.argv[2] ?? "housing-benefits") as DatasetId;
const rows = Number(process.argv[3] ?? 1_000_000);
const repeats = Number(process.argv[4] ?? 3);
if (!DATASET_IDS.includes(id)) throw new Error(`unknown dataset ${id}`);

const chunks: Buffer[] = [];
for await (const c of generateCsv(id, rows, { period: "2016-H1" })) chunks.push(c);
const bytes = chunks.reduce((n, c) => n + c.length, 0);
async function* replay() {
  for (const c of chunks) yield c;
}

const runs: { wall: number; cpu: number }[] = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let received = 0;
  const report = await validateCsv(replay(), {
    datasetId: id,
    period: "2016-H1",
    onRows: (b) => {
      received += b.rows.length;
    },
  });
  const cpu = process.cpuUsage(cpu0);
  runs.push({ wall: (performance.now() - t0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 });
  if (report.status !== "valid" || received !== rows) throw new Error(`unexpected report: ${JSON.stringify(report).slice(0, 500)}`);
}
const best = runs.reduce((a, b) => (b.wall < a.wall ? b : a));
console.log(
  JSON.stringify({
    dataset: id,
    rows,
    megabytes: +(bytes / 1e6).toFixed(1),
    bestWallSeconds: +best.wall.toFixed(2),
    rowsPerSecond: Math.round(rows / best.wall),
    megabytesPerSecond: +(bytes / 1e6 / best.wall).toFixed(1),
    cpuSecondsOfBest: +best.cpu.toFixed(2),
    allWallSeconds: runs.map((r) => +r.wall.toFixed(2)),
  }),
);
