import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { bootstrapDatabase } from "@/lib/db/bootstrap";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { migrate } from "@/lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    appUrl: string;
  }
}

const APP_PASSWORD = "test-app-role-password";

/**
 * One PostgreSQL for the whole run: an embedded, throw-away cluster, or a fresh database on
 * TEST_DATABASE_URL's server. Every test makes its own organisations, so files share it safely.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let tmp: string | undefined;
  let adminUrl: string;
  let dropAfter: (() => Promise<void>) | undefined;

  const external = process.env.TEST_DATABASE_URL;
  if (external) {
    const u = new URL(external);
    u.pathname = `/portal_test_${Date.now()}_${process.pid}`;
    adminUrl = u.toString();
    dropAfter = async () => {
      const m = new URL(external);
      m.pathname = "/postgres";
      const c = new pg.Client({ connectionString: m.toString() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(u.pathname.slice(1))} WITH (FORCE)`);
      await c.end();
    };
  } else {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-test-pg-"));
    fs.chmodSync(tmp, 0o755);
    embedded = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), password: "test-superuser", persistent: false });
    adminUrl = embedded.superuserUrl("portal_test");
  }

  const { appUrl } = await bootstrapDatabase({ adminUrl, appPassword: APP_PASSWORD });
  await migrate({ connectionString: adminUrl });
  project.provide("adminUrl", adminUrl);
  project.provide("appUrl", appUrl);

  return async () => {
    await dropAfter?.().catch(() => {});
    await embedded?.stop().catch(() => {});
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  };
}
