import "server-only";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseEnv } from "@/lib/env";
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

/**
 * The shell of `npm run backup` and `npm run restore`: one folder argument (usage error: exit 2),
 * the environment, and a plain message with exit 1 on failure.
 */
export async function runFolderCommand(
  name: string,
  usage: string,
  argv: string[],
  act: (folder: string, target: Target) => Promise<string>,
): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length !== 1) {
    console.error(usage);
    process.exit(2);
  }
  const env = parseEnv();
  try {
    const summary = await act(positionals[0]!, {
      databaseUrl: env.DATABASE_URL,
      dataDir: env.PORTAL_DATA_DIR,
      embeddedPort: env.EMBEDDED_PG_PORT,
      log: (l) => console.error(`[${name}] ${l}`),
    });
    console.log(summary);
  } catch (e) {
    console.error(`[${name}] failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
