import "server-only";
import path from "node:path";
import { prepareDatabase } from "@/lib/setup/prepare-database";
import { createBackup } from "./backup";
import type { BackupManifest } from "./manifest";
import { assertEmptyDataDir, checkBackup, restoreDataFiles, restoreRows } from "./restore";

interface Target {
  /** Owner/superuser connection; unset: the embedded cluster of `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  embeddedPort?: number;
  log?: (line: string) => void;
}

/** `npm run backup`: joins the running embedded cluster (or starts it), then writes the backup. */
export async function backupInstallation(t: Target & { outDir: string }): Promise<BackupManifest> {
  const db = await prepareDatabase({ databaseUrl: t.databaseUrl, dataDir: path.resolve(t.dataDir), embeddedPort: t.embeddedPort, log: t.log });
  try {
    return await createBackup({ adminUrl: db.adminUrl, dataDir: path.resolve(t.dataDir), outDir: t.outDir, log: t.log });
  } finally {
    await db.stop();
  }
}

/**
 * `npm run restore`: checks the whole backup first, then fills an empty data folder (and, with no
 * DATABASE_URL, a new embedded cluster in it) and an empty database.
 */
export async function restoreInstallation(t: Target & { backupDir: string }): Promise<BackupManifest> {
  const dataDir = path.resolve(t.dataDir);
  const manifest = await checkBackup(t.backupDir);
  assertEmptyDataDir(dataDir);
  restoreDataFiles(t.backupDir, manifest, dataDir);
  const db = await prepareDatabase({ databaseUrl: t.databaseUrl, dataDir, embeddedPort: t.embeddedPort, log: t.log });
  try {
    await restoreRows({ adminUrl: db.adminUrl, backupDir: t.backupDir, manifest, log: t.log });
    return manifest;
  } finally {
    await db.stop();
  }
}
