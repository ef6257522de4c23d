// `npm run ingest -- --org <slug> --dataset <id> [--period YYYY-H1] [--load-valid-rows] <file.csv>`:
// the same pipeline as the browser and SFTP uploads, from the command line. Exit code 0 when the
// batch was loaded, 1 when the file was refused (report on stderr), 2 for a usage error.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DATASET_IDS, isDatasetId } from "@/lib/datasets";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { appDatabaseUrl, parseEnv, publishEnv } from "@/lib/env";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { IngestRequestError, ingestFile } from "@/lib/ingest/pipeline";
import { formatReportForTerminal } from "@/lib/ingest/report-text";
import { prepareDatabase, type PreparedDatabase } from "@/lib/setup/prepare-database";

const USAGE = `Usage: npm run ingest -- --org <organisation slug> --dataset <dataset id> [--period <YYYY-H1|YYYY-H2>] [--load-valid-rows] <file.csv>
Datasets: ${DATASET_IDS.join(", ")}`;

function usage(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        org: { type: "string" },
        dataset: { type: "string" },
        period: { type: "string" },
        "load-valid-rows": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    usage(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.org) usage("Missing --org.");
  if (!values.dataset) usage("Missing --dataset.");
  if (!isDatasetId(values.dataset)) usage(`Unknown dataset "${values.dataset}".`);
  if (positionals.length !== 1) usage("Give exactly one file.");
  const file = path.resolve(positionals[0]!);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) usage(`No such file: ${file}`);

  const env = parseEnv();
  let db: PreparedDatabase | undefined;
  // Inside `npm start`'s environment (or tests) the application role's URL is given; otherwise
  // join, or start, the same database `npm start` uses.
  if (!appDatabaseUrl()) {
    db = await prepareDatabase({ databaseUrl: env.DATABASE_URL, dataDir: path.resolve(env.PORTAL_DATA_DIR), embeddedPort: env.EMBEDDED_PG_PORT });
    publishEnv({ DATABASE_APP_URL: db.appUrl });
  }
  try {
    await sweepInterruptedBatches();
    const org = await withContext({ kind: "system", purpose: "cli-ingest" }, (tx) => tx.organisation.findUnique({ where: { slug: values.org! } }));
    if (!org) usage(`No organisation with slug "${values.org}".`);
    const result = await ingestFile({
      orgId: org.id,
      datasetId: values.dataset,
      period: values.period ?? null,
      source: "cli",
      originalFilename: path.basename(file),
      loadValidRows: values["load-valid-rows"] ?? false,
      actor: { label: `cli:${os.userInfo().username}` },
      input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    });
    if (result.status === "loaded") {
      console.log(`${result.message}\nBatch ${result.batchId} (${result.size} bytes, SHA-256 ${result.sha256}).`);
      if (result.errorCount > 0) console.error(formatReportForTerminal(result));
      return 0;
    }
    console.error(formatReportForTerminal(result));
    return 1;
  } catch (e) {
    if (e instanceof IngestRequestError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  } finally {
    await closeDatabase();
    await db?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`ingest failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
