// `npm start`: the whole product in one process — database (embedded unless DATABASE_URL is
// set), migrations, first-run demo data, then Next.js and the identity provider on one port.
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { databaseAvailability } from "@/lib/db/availability";
import { closeDatabase } from "@/lib/db/client";
import { loadLocalSecrets } from "@/lib/db/secrets";
import { EnvError, parseEnv, publishEnv } from "@/lib/env";
import { startJobs, stopJobs } from "@/lib/jobs";
import { startEmbeddedMailServer, type EmbeddedMailServer } from "@/lib/mail/embedded-server";
import { setEmbeddedMailServer } from "@/lib/mail/transport";
import { buildIsStale, buildPortal } from "@/lib/server/build";
import { createMounts, type Mount } from "@/lib/server/mounts";
import { requestListener } from "@/lib/server/request-listener";
import { runFirstRun, welcomeNotes } from "@/lib/setup/first-run";
import { prepareDatabase, type PreparedDatabase } from "@/lib/setup/prepare-database";

const log = (line: string) => console.log(`[portal] ${line}`);

async function main() {
  const env = parseEnv();
  const dataDir = path.resolve(env.PORTAL_DATA_DIR);
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const secrets = loadLocalSecrets(dataDir);

  // Filled in as start-up proceeds; shutdown stops whatever exists by then.
  const running: { db?: PreparedDatabase; mounts: Mount[]; server?: ReturnType<typeof createServer>; mail?: EmbeddedMailServer } = { mounts: [] };
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping…`);
    await new Promise<void>((resolve) => (running.server ? running.server.close(() => resolve()) : resolve()));
    for (const m of running.mounts) await m.close?.().catch(() => {});
    await stopJobs().catch(() => {});
    await running.mail?.close().catch(() => {});
    await closeDatabase();
    await running.db?.stop().catch((e: unknown) => log(`database stop: ${String(e)}`));
    log("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const db = await prepareDatabase({
    databaseUrl: env.DATABASE_URL,
    appUrl: env.DATABASE_APP_URL,
    dataDir,
    embeddedPort: env.EMBEDDED_PG_PORT,
    log,
  });
  running.db = db;
  publishEnv({ DATABASE_APP_URL: db.appUrl, PORTAL_DATA_DIR: dataDir, PUBLIC_URL: publicUrl });
  publishEnv({ NEXTAUTH_URL: publicUrl, NEXTAUTH_SECRET: secrets.sessionSecret }, { keepExisting: true });

  const notes = env.DEMO_DATA === "on" ? await runFirstRun({ dataDir, log }) : await welcomeNotes();

  if (buildIsStale()) {
    log("Building the web application (first start or changed sources; about two minutes)…");
    await buildPortal(process.cwd(), log);
  }

  const app = next({ dev: false, dir: process.cwd(), port: env.PORT, hostname: "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();
  const mounts = await createMounts({ publicUrl, dataDir });
  running.mounts = mounts;
  if (!env.SMTP_URL) {
    // No mail account needed for the demo: notices land in a mailbox administrators read at /admin/mail.
    running.mail = await startEmbeddedMailServer();
    setEmbeddedMailServer(running.mail);
  }
  await startJobs({ log });

  const server = createServer(
    requestListener({
      publicUrl,
      mounts,
      next: handle,
      onError: (e) => console.error("[portal] request failed", e),
      databaseAvailable: databaseAvailability(() => db.appUrl).available,
    }),
  );
  running.server = server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, () => resolve());
  });

  const banner = [
    "",
    "  Essex Data Platform portal is running",
    `  Open ${publicUrl}`,
    ...notes.map((n) => `  ${n}`),
    `  Mail: ${env.SMTP_URL ? `sent through ${new URL(env.SMTP_URL).host} (SMTP_URL)` : `kept by the embedded mail server: administrators read it under Administration, Sent mail`}`,
    `  Data: ${db.embedded ? `embedded PostgreSQL in ${path.join(dataDir, "pg")}` : "the PostgreSQL at DATABASE_URL"}`,
    "  Press Ctrl-C to stop.",
    "",
  ];
  console.log(banner.join("\n"));
}

main().catch(async (e: unknown) => {
  if (e instanceof EnvError) console.error(`[portal] ${e.message}`);
  else console.error(`[portal] could not start: ${e instanceof Error ? e.message : String(e)}`);
  await closeDatabase().catch(() => {});
  process.exit(1);
});
