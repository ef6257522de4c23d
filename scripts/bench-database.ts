// The database a benchmark runs on: a database of its own on DATABASE_URL (a role that may create
// roles and databases), created and dropped, or an embedded PostgreSQL in the benchmark's folder;
// then roles, migrations and the job queue, as `npm start` prepares them.
import path from "node:path";
import pg from "pg";
import { bootstrapDatabase } from "@/lib/db/bootstrap";
import { closeDatabase } from "@/lib/db/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { installJobQueue } from "@/lib/jobs/install";
import { stopJobQueue } from "@/lib/queue/boss";

export interface BenchDatabase {
  /** A superuser (or DATABASE_URL's role) connection to the benchmark's database. */
  readonly adminUrl: string;
  /** Stops the job queue and connections, then drops the database or stops the embedded server. */
  close(opts?: { keep?: boolean }): Promise<void>;
}

export async function benchDatabase(
  name: string,
  work: string,
  log: (line: string) => void,
  databaseUrl = process.env.DATABASE_URL,
): Promise<BenchDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl: string;
  if (databaseUrl) {
    const u = new URL(databaseUrl);
    u.pathname = `/portal_bench_${name}_${process.pid}`;
    adminUrl = u.toString();
  } else {
    log("starting an embedded PostgreSQL…");
    embedded = await startEmbeddedPostgres({ dir: path.join(work, "pg"), password: "bench", persistent: false });
    adminUrl = embedded.superuserUrl(`portal_bench_${name}`);
  }
  const close = async (opts: { keep?: boolean } = {}) => {
    await stopJobQueue().catch(() => {});
    await closeDatabase().catch(() => {});
    if (opts.keep) {
      log(`kept the database for inspection: ${adminUrl}`);
      return;
    }
    if (!embedded) {
      const maintenance = new URL(adminUrl);
      maintenance.pathname = "/postgres";
      const c = new pg.Client({ connectionString: maintenance.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(adminUrl).pathname.slice(1))} WITH (FORCE)`).catch(() => {});
      await c.end();
    }
    await embedded?.stop().catch(() => {});
  };
  try {
    const { appUrl } = await bootstrapDatabase({ adminUrl, appPassword: "bench-app-role" });
    await migrate({ connectionString: adminUrl });
    await installJobQueue({ adminUrl });
    process.env.DATABASE_APP_URL = appUrl;
  } catch (e) {
    await close();
    throw e;
  }
  return { adminUrl, close };
}
