import "server-only";
import pg from "pg";
import { APP_ROLE, OWNER_ROLE } from "./roles";

const DUPLICATE = new Set(["42710", "42P04", "23505"]);
const isDuplicate = (e: unknown) => DUPLICATE.has((e as { code?: string }).code ?? "");

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, "")) || "postgres";
}

/**
 * Creates the database (when missing) and the two roles the portal relies on: the owner the
 * migrations run as, and the application role that owns nothing and cannot bypass RLS.
 * `adminUrl` must be a role that may create roles (superuser or CREATEROLE).
 */
export async function bootstrapDatabase(opts: { adminUrl: string; appPassword: string }): Promise<{ appUrl: string }> {
  const dbName = databaseName(opts.adminUrl);
  const maintenance = new pg.Client({ connectionString: withDatabase(opts.adminUrl, "postgres") });
  await maintenance.connect();
  try {
    const exists = await maintenance.query("SELECT 1 FROM pg_database WHERE datname = $1", [dbName]);
    if (exists.rowCount === 0) {
      try {
        await maintenance.query(`CREATE DATABASE ${pg.escapeIdentifier(dbName)} ENCODING 'UTF8' TEMPLATE template0`);
      } catch (e) {
        if (!isDuplicate(e)) throw e;
      }
    }
    // Roles are cluster-wide; parallel test databases on one cluster may race to create them.
    for (const sql of [
      `CREATE ROLE ${OWNER_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS`,
      `CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT`,
    ]) {
      try {
        await maintenance.query(sql);
      } catch (e) {
        if (!isDuplicate(e)) throw e;
      }
    }
    // Re-assert the attributes: a role created by someone else must not keep a bypass.
    await maintenance.query(`ALTER ROLE ${APP_ROLE} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT LOGIN`);
    await maintenance.query(`ALTER ROLE ${APP_ROLE} PASSWORD ${pg.escapeLiteral(opts.appPassword)}`);
    const me = await maintenance.query<{ rolsuper: boolean }>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    if (!me.rows[0]?.rolsuper) {
      try {
        await maintenance.query(`GRANT ${OWNER_ROLE} TO current_user`);
      } catch (e) {
        if (!isDuplicate(e)) throw e;
      }
    }
  } finally {
    await maintenance.end();
  }

  const db = new pg.Client({ connectionString: opts.adminUrl });
  await db.connect();
  try {
    await db.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${pg.escapeIdentifier(dbName)} TO ${APP_ROLE}`);
    await db.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${OWNER_ROLE}`);
    // The app role must not create objects it would then own (and so bypass RLS on).
    // PostgreSQL 15+ already withholds it from PUBLIC; older grants are removed where we may.
    for (const sql of [`REVOKE CREATE ON SCHEMA public FROM PUBLIC`, `REVOKE CREATE ON SCHEMA public FROM ${APP_ROLE}`]) {
      try {
        await db.query(sql);
      } catch (e) {
        if ((e as { code?: string }).code !== "42501") throw e;
      }
    }
  } finally {
    await db.end();
  }

  const app = new URL(opts.adminUrl);
  app.username = APP_ROLE;
  app.password = opts.appPassword;
  return { appUrl: app.toString() };
}
