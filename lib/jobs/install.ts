import "server-only";
import { createRequire } from "node:module";
import PgBoss from "pg-boss";
import pg from "pg";
import { APP_ROLE, OWNER_ROLE } from "@/lib/db/roles";
import { JOB_SCHEMA, QUEUES } from "@/lib/queue/queues";

/**
 * Installs (or upgrades) pg-boss's schema and the portal's queues as the owner role, then grants
 * the application role exactly the table privileges pg-boss needs at run time. The application
 * runs pg-boss with `migrate: false`, so it never needs CREATE anywhere: creating a queue makes a
 * partition table, which is why queues are created here too.
 * `adminUrl` must be able to create a schema in the database and be a member of the owner role.
 */
export async function installJobQueue(opts: { adminUrl: string; log?: (line: string) => void }): Promise<void> {
  const c = new pg.Client({ connectionString: opts.adminUrl });
  await c.connect();
  try {
    await c.query("SELECT pg_advisory_lock(hashtext('portal:job-queue'))");
    const schema = pg.escapeIdentifier(JOB_SCHEMA);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${OWNER_ROLE}`);
    await c.query(`SET ROLE ${OWNER_ROLE}`);
    const installed = await c.query<{ name: string | null }>("SELECT to_regclass($1)::text AS name", [`${JOB_SCHEMA}.version`]);
    if (!installed.rows[0]?.name) {
      // The schema exists already (created above, owned by the owner role); PostgreSQL checks the
      // database-level CREATE privilege even for IF NOT EXISTS, which the owner role lacks.
      const plans = PgBoss.getConstructionPlans(JOB_SCHEMA).replace(/CREATE SCHEMA IF NOT EXISTS \w+\s*;/, "");
      await c.query(plans);
      opts.log?.(`installed the job queue schema "${JOB_SCHEMA}"`);
    } else {
      const { rows } = await c.query<{ version: number }>(`SELECT version FROM ${schema}.version`);
      const current = Number(rows[0]?.version ?? 0);
      const target = (createRequire(import.meta.url)("pg-boss/version.json") as { schema: number }).schema;
      if (current < target) {
        // pg-boss's own plans chain every step from `current` to the installed version.
        await c.query(PgBoss.getMigrationPlans(JOB_SCHEMA, current as unknown as string));
        opts.log?.(`migrated the job queue schema from version ${current} to ${target}`);
      }
    }
    for (const q of Object.values(QUEUES)) {
      await c.query(`SELECT ${schema}.create_queue($1, $2)`, [q.name, JSON.stringify(q.options)]);
    }
    await c.query(`GRANT USAGE ON SCHEMA ${schema} TO ${APP_ROLE}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${APP_ROLE}`);
    await c.query(`REVOKE ALL ON FUNCTION ${schema}.create_queue(text, json), ${schema}.delete_queue(text) FROM PUBLIC`);
    await c.query("RESET ROLE");
  } finally {
    await c.query("SELECT pg_advisory_unlock(hashtext('portal:job-queue'))").catch(() => {});
    await c.end();
  }
}
