import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrapDatabase } from "@/lib/db/bootstrap";
import { MigrationError, MIGRATIONS_DIR, migrate, readMigrations } from "@/lib/db/migrate";

// Each test gets its own database on the test cluster so it can migrate from nothing.
async function freshDatabase(): Promise<string> {
  const u = new URL(process.env.TEST_ADMIN_URL!);
  u.pathname = `/mig_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await bootstrapDatabase({ adminUrl: u.toString(), appPassword: "test-app-role-password" });
  return u.toString();
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-migrations-"));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function copyMigrations(to: string) {
  fs.cpSync(MIGRATIONS_DIR, to, { recursive: true });
  return to;
}

describe("migration applier", () => {
  it("applies every migration once and records it in Prisma's ledger", async () => {
    const url = await freshDatabase();
    const first = await migrate({ connectionString: url });
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const second = await migrate({ connectionString: url });
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const ledger = await c.query(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    await c.end();
    expect(ledger.rows.map((r) => r.migration_name)).toEqual(first.applied);
    for (const [i, m] of readMigrations().entries()) {
      expect(ledger.rows[i]).toMatchObject({ migration_name: m.name, checksum: m.checksum, applied_steps_count: 1 });
      expect(ledger.rows[i].finished_at).toBeInstanceOf(Date);
    }
  });

  it("creates objects owned by portal_owner, not by the connecting user", async () => {
    const url = await freshDatabase();
    await migrate({ connectionString: url });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const owners = await c.query(
      `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
    );
    await c.end();
    expect(owners.rows.map((r) => r.owner)).toEqual(["portal_owner"]);
  });

  it("refuses an applied migration whose file was changed", async () => {
    const url = await freshDatabase();
    const dir = copyMigrations(path.join(tmp, "changed"));
    await migrate({ connectionString: url, dir });
    const first = readMigrations(dir)[0]!;
    fs.appendFileSync(path.join(dir, first.name, "migration.sql"), "\n-- an innocent-looking edit\n");
    await expect(migrate({ connectionString: url, dir })).rejects.toThrow(MigrationError);
    await expect(migrate({ connectionString: url, dir })).rejects.toThrow(/changed after it was applied/);
  });

  it("rolls a failing migration back whole and names it", async () => {
    const url = await freshDatabase();
    const dir = copyMigrations(path.join(tmp, "failing"));
    fs.mkdirSync(path.join(dir, "29990101000000_broken"));
    fs.writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n");
    await expect(migrate({ connectionString: url, dir })).rejects.toThrow(/29990101000000_broken failed.*no_such_table/);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const t = await c.query(`SELECT to_regclass('public.half_done') AS t`);
    const ledger = await c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
    await c.end();
    expect(t.rows[0].t).toBeNull();
    expect(ledger.rows[0].n).toBe(0);
  });
});
