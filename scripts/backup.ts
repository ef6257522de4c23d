// `npm run backup -- <folder>`: a consistent backup of the database and the data folder's files,
// with a manifest of SHA-256 hashes. Exit 0 on success, 1 on failure, 2 for a usage error.
import { parseArgs } from "node:util";
import { BackupError } from "@/lib/backup/manifest";
import { backupInstallation } from "@/lib/backup/run";
import { parseEnv } from "@/lib/env";

const USAGE = "Usage: npm run backup -- <new empty folder>";
const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
const env = parseEnv();
try {
  const m = await backupInstallation({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.PORTAL_DATA_DIR,
    embeddedPort: env.EMBEDDED_PG_PORT,
    outDir: positionals[0]!,
    log: (l) => console.error(`[backup] ${l}`),
  });
  const rows = m.tables.reduce((n, t) => n + t.rows, 0);
  console.log(`Backup written to ${positionals[0]}: ${m.tables.length} tables, ${rows} rows, ${m.files.length} files.`);
} catch (e) {
  console.error(`[backup] failed: ${e instanceof BackupError ? e.message : e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
