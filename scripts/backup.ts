// `npm run backup -- <folder>`: a consistent backup of the database and the data folder's files,
// with a manifest of SHA-256 hashes. Exit 0 on success, 1 on failure, 2 for a usage error.
import { backupInstallation, runFolderCommand } from "@/lib/backup/run";

await runFolderCommand("backup", "Usage: npm run backup -- <new empty folder>", process.argv.slice(2), async (outDir, target) => {
  const m = await backupInstallation({ ...target, outDir });
  const rows = m.tables.reduce((n, t) => n + t.rows, 0);
  return `Backup written to ${outDir}: ${m.tables.length} tables, ${rows} rows, ${m.files.length} files.`;
});
