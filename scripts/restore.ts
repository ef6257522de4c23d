// `npm run restore -- <backup folder>`: brings a backup back into an empty data folder
// (PORTAL_DATA_DIR) and an empty database (DATABASE_URL, or a new embedded cluster).
// Exit 0 on success, 1 on failure (nothing half-restored in the database), 2 for a usage error.
import { restoreInstallation, runFolderCommand } from "@/lib/backup/run";

await runFolderCommand(
  "restore",
  "Usage: npm run restore -- <backup folder>   (into an empty PORTAL_DATA_DIR / database)",
  process.argv.slice(2),
  async (backupDir, target) => {
    const m = await restoreInstallation({ ...target, backupDir });
    return `Restored the backup of ${m.createdAt}: ${m.tables.length} tables and ${m.files.length} files verified against its manifest.`;
  },
);
