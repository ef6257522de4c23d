import "server-only";
import type pg from "pg";
import PgBoss from "pg-boss";
import { DatabaseNotConfiguredError } from "@/lib/db/client";
import { JOB_SCHEMA } from "./queues";
import { appDatabaseUrl } from "@/lib/env";
import { errFields, log } from "@/lib/log";

interface Handles {
  url: string;
  boss: PgBoss;
  started: Promise<PgBoss>;
}

// One pg-boss per process; the custom server and the Next.js bundles load this module separately.
const g = globalThis as unknown as { __portalJobs?: Handles };

/**
 * The process's pg-boss, started on first use as the application role. `migrate: false`: the
 * schema and queues are installed by the owner at start-up (./install.ts), and a missing or
 * outdated schema makes start() fail rather than attempt DDL the role may not run.
 */
export function jobQueue(): Promise<PgBoss> {
  const url = appDatabaseUrl();
  if (!url) throw new DatabaseNotConfiguredError("DATABASE_APP_URL is not set: the job queue needs the application database.");
  if (g.__portalJobs && g.__portalJobs.url === url) return g.__portalJobs.started;
  const boss = new PgBoss({
    connectionString: url,
    schema: JOB_SCHEMA,
    migrate: false,
    schedule: false,
    supervise: true,
    max: 4,
    application_name: "essex-portal-jobs",
  });
  // A lost connection is reported and retried by pg-boss; it must not crash the process.
  boss.on("error", (e) => log({ component: "jobs" }).error(errFields(e), "job queue error"));
  const started = boss.start().catch((e: unknown) => {
    g.__portalJobs = undefined;
    throw e;
  });
  g.__portalJobs = { url, boss, started };
  return started;
}

/** Lets pg-boss insert a job on the caller's connection, inside the caller's transaction. */
export function onConnection(client: pg.ClientBase): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}

export async function stopJobQueue(): Promise<void> {
  const h = g.__portalJobs;
  g.__portalJobs = undefined;
  if (!h) return;
  const boss = await h.started.catch(() => undefined);
  await boss?.stop({ graceful: true, timeout: 10_000 }).catch(() => {});
}
