import "server-only";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { BACKUP_FORMAT, BACKUP_VERSION, BackupError, MANIFEST, sha256File, type BackupManifest } from "./manifest";
import { copyOutSql, listSequences, listTables, RowHasher } from "./tables";

/**
 * Files of the data folder a backup carries: everything but the embedded cluster (its rows are
 * carried as data, which also restores into an external server), other data folders nested in it
 * (the browser tests keep theirs under .data/e2e), uploads still arriving, and the backup itself.
 */
export function dataFiles(dataDir: string, exclude: string[] = []): string[] {
  const root = path.resolve(dataDir);
  const skip = new Set(exclude.map((e) => path.resolve(e)));
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (skip.has(full)) continue;
      if (e.isDirectory()) {
        if (dir === root && e.name === "pg") continue;
        if (fs.existsSync(path.join(full, "secrets.json")) || fs.existsSync(path.join(full, "pg", "PG_VERSION"))) continue;
        walk(full);
      } else if (e.isFile() && !/^\..*\.partial$/.test(e.name)) {
        out.push(path.relative(root, full));
      }
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out.sort();
}

/**
 * Writes a consistent backup of the portal into `outDir`: every table's rows from one
 * REPEATABLE READ snapshot (plain COPY, so it works on the embedded server, which has no pg_dump,
 * and on any external PostgreSQL ≥ 15), the sequences, and the data folder's files, with a
 * manifest of SHA-256 hashes. `adminUrl` must read every row: a superuser, or a role with BYPASSRLS.
 */
export async function createBackup(opts: {
  adminUrl: string;
  dataDir: string;
  outDir: string;
  log?: (line: string) => void;
}): Promise<BackupManifest> {
  const log = opts.log ?? (() => {});
  const out = path.resolve(opts.outDir);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    throw new BackupError(`${out} is not empty; choose a new folder for the backup.`);
  }
  fs.mkdirSync(path.join(out, "db"), { recursive: true });
  fs.mkdirSync(path.join(out, "data"), { recursive: true });

  const c = new pg.Client({ connectionString: opts.adminUrl });
  await c.connect();
  try {
    await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // With row security on, a role that cannot bypass it would silently back up nothing; off, the
    // server refuses instead, which is the message we want.
    await c.query("SET LOCAL row_security = off");
    const server = (await c.query<{ v: string }>("SELECT version() AS v")).rows[0]!.v;
    const migrations = (
      await c.query<{ name: string; checksum: string }>(
        `SELECT migration_name AS name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
      )
    ).rows;
    const tables: BackupManifest["tables"] = [];
    for (const t of await listTables(c)) {
      const file = path.join("db", `${t.schema}.${t.name}.copy.gz`);
      const hasher = new RowHasher();
      try {
        await pipeline(c.query(copyTo(copyOutSql(t))), hasher, createGzip(), fs.createWriteStream(path.join(out, file)));
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "42501") {
          throw new BackupError(
            `The database role cannot read every row of ${t.schema}.${t.name} (row-level security). Run the backup with DATABASE_URL set to a superuser or a role with BYPASSRLS.`,
          );
        }
        throw e;
      }
      tables.push({ ...t, rows: hasher.rows, sha256: hasher.hash.digest("hex"), file, fileSha256: await sha256File(path.join(out, file)) });
      log(`table ${t.schema}.${t.name}: ${hasher.rows} rows`);
    }
    const sequences = await listSequences(c);

    // Copied while the snapshot is still held. An upload that commits meanwhile can add a stored
    // file the rows do not mention, which is harmless; its rows belong to the next backup.
    const files: BackupManifest["files"] = [];
    for (const rel of dataFiles(opts.dataDir, [out])) {
      const target = path.join(out, "data", rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(opts.dataDir, rel), target);
      fs.chmodSync(target, fs.statSync(path.join(opts.dataDir, rel)).mode & 0o777);
      files.push({ path: rel, size: fs.statSync(target).size, sha256: await sha256File(target) });
    }
    log(`files: ${files.length}`);
    await c.query("COMMIT");

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      server,
      migrations,
      tables,
      sequences,
      files,
    };
    fs.writeFileSync(path.join(out, MANIFEST), JSON.stringify(manifest, null, 2));
    return manifest;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    await c.end();
  }
}
