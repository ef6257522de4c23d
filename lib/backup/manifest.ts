import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { SequenceState, TableInfo } from "./tables";

export const BACKUP_FORMAT = "essex-portal-backup";
export const BACKUP_VERSION = 1;
export const MANIFEST = "manifest.json";

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  /** `SELECT version()` of the server the backup was taken from. */
  server: string;
  /** The migrations applied at backup time: a restore needs the same schema. */
  migrations: { name: string; checksum: string }[];
  tables: (TableInfo & { rows: number; sha256: string; file: string; fileSha256: string })[];
  sequences: SequenceState[];
  /** Files of the data folder (secrets, stored originals as they are, encrypted or not), relative paths. */
  files: { path: string; size: number; sha256: string }[];
}

/** A backup or restore that cannot go ahead; the message says why and what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export function readManifest(dir: string): BackupManifest {
  const file = path.join(dir, MANIFEST);
  if (!fs.existsSync(file)) throw new BackupError(`${dir} is not a portal backup: it has no ${MANIFEST}.`);
  let m: BackupManifest;
  try {
    m = JSON.parse(fs.readFileSync(file, "utf8")) as BackupManifest;
  } catch {
    throw new BackupError(`${file} is not valid JSON; the backup is damaged.`);
  }
  if (m.format !== BACKUP_FORMAT || m.version !== BACKUP_VERSION) {
    throw new BackupError(`${file} is not a version ${BACKUP_VERSION} portal backup.`);
  }
  return m;
}

/** Paths inside the backup must stay inside it, whatever the manifest says. */
export function insideDir(dir: string, relative: string): string {
  const full = path.resolve(dir, relative);
  if (path.isAbsolute(relative) || !full.startsWith(path.resolve(dir) + path.sep)) {
    throw new BackupError(`The manifest names a path outside the backup (${JSON.stringify(relative)}); refusing it.`);
  }
  return full;
}

/** Checks every file of the backup against the manifest; lists each problem. */
export async function verifyBackupFiles(dir: string, m: BackupManifest): Promise<string[]> {
  const problems: string[] = [];
  const check = async (rel: string, sha: string, size?: number) => {
    const full = insideDir(dir, rel);
    if (!fs.existsSync(full)) return void problems.push(`${rel} is missing`);
    if (size !== undefined && fs.statSync(full).size !== size) return void problems.push(`${rel} has the wrong size`);
    if ((await sha256File(full)) !== sha) problems.push(`${rel} does not match its SHA-256 in the manifest`);
  };
  for (const t of m.tables) await check(t.file, t.fileSha256);
  for (const f of m.files) await check(path.join("data", f.path), f.sha256, f.size);
  return problems;
}
