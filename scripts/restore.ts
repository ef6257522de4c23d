// `npm run restore -- <backup folder>`: brings a backup back into an empty data folder
// (PORTAL_DATA_DIR) and an empty database (DATABASE_URL, or a new embedded cluster).
// Exit 0 on success, 1 on failure (nothing half-restored in the database), 2 for a usage error.
import { parseArgs } from "node:util";
import { BackupError } from "@/lib/backup/manifest";
import { restoreInstallation } from "@/lib/backup/run";
import { parseEnv } from "@/lib/env";

const USAGE = "Usage: npm run restore -- <backup folder>   (into an empty PORTAL_DATA_DIR / database)";
const { positionals } = parseArgs({ allowPositionals: true, options: {} });
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
const env = parseEnv();
try {
  const m = await restoreInstallation({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.PORTAL_DATA_DIR,
    embeddedPort: env.EMBEDDED_PG_PORT,
    backupDir: positionals[0]!,
    log: (l) => console.error(`[restore] ${l}`),
  });
  console.log(`Restored the backup of ${m.createdAt}: ${m.tables.length} tables and ${m.files.length} files verified against its manifest.`);
} catch (e) {
  console.error(`[restore] failed: ${e instanceof BackupError ? e.message : e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
