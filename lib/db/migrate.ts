import "server-only";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { OWNER_ROLE } from "./roles";

export const MIGRATIONS_DIR = path.resolve(process.cwd(), "prisma/migrations");

export class MigrationError extends Error {
  name = "MigrationError";
  constructor(
    message: string,
    public readonly migration: string,
  ) {
    super(message);
  }
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Prisma's checksum of a migration: SHA-256 of the file's bytes, hex. */
export function checksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

export function readMigrations(dir = MIGRATIONS_DIR): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksum(sql) };
    });
}

// Prisma's own bookkeeping table, column for column, so `prisma migrate deploy` agrees with us
// wherever its engine is available.
const LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Applies pending migrations in name order, each once, each in its own transaction, as the owner
 * role. An applied migration whose file has since changed is refused: history is not rewritten.
 */
export async function migrate(opts: {
  connectionString: string;
  dir?: string;
  log?: (line: string) => void;
}): Promise<{ applied: string[]; alreadyApplied: string[] }> {
  const files = readMigrations(opts.dir);
  const client = new pg.Client({ connectionString: opts.connectionString });
  await client.connect();
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  try {
    // Several processes (test workers, app instances) may start together.
    await client.query("SELECT pg_advisory_lock(hashtext('portal:migrations'))");
    const canBecomeOwner = await client.query<{ ok: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER') AS ok`,
      [OWNER_ROLE],
    );
    const asOwner = canBecomeOwner.rows[0]?.ok ? `SET LOCAL ROLE ${OWNER_ROLE};` : "";
    await client.query(`BEGIN; ${asOwner} ${LEDGER}; COMMIT`);

    const done = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const byName = new Map(done.rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));

    for (const file of files) {
      const prior = byName.get(file.name);
      if (prior) {
        if (prior.finished_at === null) {
          throw new MigrationError(`Migration ${file.name} started earlier but never finished; resolve it by hand.`, file.name);
        }
        if (prior.checksum !== file.checksum) {
          throw new MigrationError(
            `Migration ${file.name} was changed after it was applied (checksum ${prior.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). Applied migrations are never edited: write a new migration instead.`,
            file.name,
          );
        }
        alreadyApplied.push(file.name);
        continue;
      }
      try {
        await client.query("BEGIN");
        if (asOwner) await client.query(asOwner);
        await client.query(file.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count, started_at)
           VALUES ($1, $2, now(), $3, 1, now())`,
          [randomUUID(), file.checksum, file.name],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK").catch(() => {});
        const pgErr = e as { message?: string; position?: string };
        const where = pgErr.position ? ` near character ${pgErr.position}` : "";
        throw new MigrationError(`Migration ${file.name} failed${where}: ${pgErr.message ?? String(e)}`, file.name);
      }
      applied.push(file.name);
      opts.log?.(`applied migration ${file.name}`);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('portal:migrations'))").catch(() => {});
    await client.end();
  }
  return { applied, alreadyApplied };
}
