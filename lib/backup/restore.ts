import "server-only";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { readMigrations } from "@/lib/db/migrate";
import { BackupError, insideDir, readManifest, verifyBackupFiles, type BackupManifest } from "./manifest";
import { copyInSql, hashTable, qualified } from "./tables";

/** Refuses a data folder that already holds an installation (files, secrets or a cluster). */
export function assertEmptyDataDir(dataDir: string): void {
  if (!fs.existsSync(dataDir)) return;
  const present = fs.readdirSync(dataDir).filter((n) => ["secrets.json", "files", "pg"].includes(n));
  if (present.length > 0) {
    throw new BackupError(
      `${path.resolve(dataDir)} already holds a portal installation (${present.join(", ")}). Restore into an empty data folder (PORTAL_DATA_DIR), so nothing is overwritten.`,
    );
  }
}

/** Checks the backup before anything is touched: its format, every hash, and the schema version. */
export async function checkBackup(backupDir: string): Promise<BackupManifest> {
  const m = readManifest(backupDir);
  const problems = await verifyBackupFiles(backupDir, m);
  if (problems.length > 0) {
    throw new BackupError(`The backup is damaged; nothing was restored:\n- ${problems.join("\n- ")}`);
  }
  const ours = readMigrations().map((f) => `${f.name}:${f.checksum}`);
  const theirs = m.migrations.map((f) => `${f.name}:${f.checksum}`);
  if (ours.join("\n") !== theirs.join("\n")) {
    const missing = theirs.filter((x) => !ours.includes(x)).map((x) => x.split(":")[0]);
    const extra = ours.filter((x) => !theirs.includes(x)).map((x) => x.split(":")[0]);
    throw new BackupError(
      `The backup was taken by another version of the portal (its database schema differs: ${[
        missing.length ? `only in the backup: ${missing.join(", ")}` : "",
        extra.length ? `only in this version: ${extra.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join("; ")}). Restore it with the version that made it, then upgrade.`,
    );
  }
  return m;
}

/** Copies the backup's data-folder files (secrets first, since the database set-up reads them). */
export function restoreDataFiles(backupDir: string, m: BackupManifest, dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  for (const f of m.files) {
    const target = insideDir(dataDir, f.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(insideDir(backupDir, path.join("data", f.path)), target);
    if (f.path === "secrets.json") fs.chmodSync(target, 0o600);
  }
}

/**
 * Loads the backup's rows into a database the migrations have just prepared, in one transaction:
 * every table emptied (migrations seed a few rows), filled with COPY, sequences set, then every
 * table hashed again and compared with the manifest before the commit. Any difference rolls the
 * whole restore back. Triggers stay off meanwhile (the audit chain's rows come back as they were,
 * not re-chained), which needs a superuser connection.
 */
export async function restoreRows(opts: {
  adminUrl: string;
  backupDir: string;
  manifest: BackupManifest;
  log?: (line: string) => void;
}): Promise<void> {
  const log = opts.log ?? (() => {});
  const m = opts.manifest;
  const c = new pg.Client({ connectionString: opts.adminUrl });
  await c.connect();
  try {
    const su = await c.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!su.rows[0]?.rolsuper) {
      throw new BackupError("Restoring needs a superuser connection (DATABASE_URL), so that triggers stay off while rows are loaded as they were.");
    }
    const held = await c.query<{ n: string }>("SELECT (SELECT count(*) FROM organisation) + (SELECT count(*) FROM audit_event) AS n");
    if (Number(held.rows[0]!.n) > 0) {
      throw new BackupError("The target database already holds portal data. Restore into an empty database, so nothing is overwritten.");
    }
    await c.query("BEGIN");
    await c.query("SET LOCAL session_replication_role = replica");
    if (m.tables.length > 0) await c.query(`TRUNCATE ${m.tables.map(qualified).join(", ")}`);
    for (const t of m.tables) {
      await pipeline(fs.createReadStream(insideDir(opts.backupDir, t.file)), createGunzip(), c.query(copyFrom(copyInSql(t))));
      log(`table ${t.schema}.${t.name}: ${t.rows} rows restored`);
    }
    for (const s of m.sequences) {
      await c.query(`SELECT setval($1::regclass, $2::bigint, $3)`, [qualified(s), s.lastValue, s.isCalled]);
    }
    const differ: string[] = [];
    for (const t of m.tables) {
      const now = await hashTable(c, t);
      if (now.rows !== t.rows || now.sha256 !== t.sha256) differ.push(`${t.schema}.${t.name} (${now.rows} rows, backup ${t.rows})`);
    }
    if (differ.length > 0)
      throw new BackupError(`After loading, these tables differ from the backup, so nothing was restored: ${differ.join(", ")}.`);
    await c.query("COMMIT");
    const chain = await c.query<{ first_bad_id: string | null; problem: string | null; checked: string }>("SELECT * FROM audit_verify_chain()");
    const r = chain.rows[0]!;
    if (r.first_bad_id !== null) throw new BackupError(`Restored, but the audit chain does not verify: event ${r.first_bad_id}, ${r.problem}.`);
    log(`audit chain verified (${r.checked} events)`);
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await c.end();
  }
}
