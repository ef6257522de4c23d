import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { appDatabaseUrl, databasePoolSize } from "@/lib/env";

interface Handles {
  url: string;
  pool: pg.Pool;
  prisma: PrismaClient;
}

// One pool per process. The custom server, the Next.js bundles and CLI scripts load this module
// separately, so the handles live on globalThis to stay single.
const g = globalThis as unknown as { __portalDb?: Handles };

export class DatabaseNotConfiguredError extends Error {
  name = "DatabaseNotConfiguredError";
}

function appUrl(): string {
  const url = appDatabaseUrl();
  if (!url) {
    throw new DatabaseNotConfiguredError("DATABASE_APP_URL is not set: start the portal with `npm start`, which prepares the database first.");
  }
  return url;
}

function handles(): Handles {
  const url = appUrl();
  if (g.__portalDb && g.__portalDb.url === url) return g.__portalDb;
  const pool = new pg.Pool({
    connectionString: url,
    max: databasePoolSize(),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "essex-portal",
    // Ingest stages each load round (up to 200,000 rows, ~40 MB) in a temporary table. At the
    // default 8 MB of local buffers a round spills to disk and is read back (measured on a
    // million staged rows: COPY and INSERT … SELECT 9.5 s, against 7.9 s in memory). Local
    // buffers are allocated only by sessions that use temporary tables, and the value can only
    // be set before a session's first one: hence here, per connection.
    options: "-c temp_buffers=64MB",
  });
  // An idle client losing its server (database restart) must not crash the process.
  pool.on("error", () => {});
  g.__portalDb = { url, pool, prisma: new PrismaClient({ adapter: new PrismaPg(pool) }) };
  return g.__portalDb;
}

/** The pool of application-role connections. Tenant tables are reached only via lib/db/tenant. */
export function pool(): pg.Pool {
  return handles().pool;
}

export function prisma(): PrismaClient {
  return handles().prisma;
}

export async function closeDatabase(): Promise<void> {
  const h = g.__portalDb;
  g.__portalDb = undefined;
  if (h) {
    await h.prisma.$disconnect().catch(() => {});
    await h.pool.end().catch(() => {});
  }
}
