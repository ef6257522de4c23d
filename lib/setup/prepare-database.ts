import "server-only";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { bootstrapDatabase } from "@/lib/db/bootstrap";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";
import { loadLocalSecrets } from "@/lib/db/secrets";
import { installJobQueue } from "@/lib/jobs/install";

export interface PreparedDatabase {
  adminUrl: string;
  appUrl: string;
  embedded: boolean;
  /** Stops what this call started (the embedded cluster); a no-op for an external server. */
  stop(): Promise<void>;
}

/** The port of a cluster already running on `dir` (postmaster.pid line 4), or null. */
function runningClusterPort(dir: string): number | null {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = fs.readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return Number(portLine) || null;
}

async function reachable(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * Makes a database ready for the portal: the embedded PostgreSQL under `dataDir` unless
 * `databaseUrl` is given, then roles and migrations. A second process on the same data folder
 * (say `npm run ingest` while `npm start` runs) joins the running cluster instead of starting one.
 */
export async function prepareDatabase(opts: {
  databaseUrl?: string;
  appUrl?: string;
  dataDir: string;
  embeddedPort?: number;
  persistent?: boolean;
  log?: (line: string) => void;
}): Promise<PreparedDatabase> {
  const log = opts.log ?? (() => {});
  const secrets = loadLocalSecrets(opts.dataDir);
  let adminUrl = opts.databaseUrl;
  let stop = async () => {};
  let embedded = false;
  if (!adminUrl) {
    embedded = true;
    const dir = path.join(opts.dataDir, "pg");
    const running = runningClusterPort(dir);
    const url = (port: number) => `postgresql://postgres:${encodeURIComponent(secrets.embeddedSuperuserPassword)}@127.0.0.1:${port}/portal`;
    if (running && (await reachable(url(running).replace(/\/portal$/, "/postgres")))) {
      log(`Using the embedded PostgreSQL already running on port ${running}.`);
      adminUrl = url(running);
    } else {
      const db = await startEmbeddedPostgres({
        dir,
        password: secrets.embeddedSuperuserPassword,
        port: opts.embeddedPort,
        persistent: opts.persistent ?? true,
      });
      log(`Embedded PostgreSQL 18 started on 127.0.0.1:${db.port} (data in ${dir}).`);
      adminUrl = db.superuserUrl("portal");
      stop = () => db.stop();
    }
  }
  try {
    const { appUrl } = await bootstrapDatabase({ adminUrl, appPassword: secrets.appRolePassword });
    const result = await migrate({ connectionString: adminUrl, log });
    if (result.applied.length === 0) log(`Database schema up to date (${result.alreadyApplied.length} migrations).`);
    await installJobQueue({ adminUrl, log });
    return { adminUrl, appUrl: opts.appUrl ?? appUrl, embedded, stop };
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
}
