import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createBackup } from "@/lib/backup/backup";
import { BackupError, readManifest, type BackupManifest } from "@/lib/backup/manifest";
import { restoreInstallation } from "@/lib/backup/run";
import { createSupplierOrganisation } from "@/tests/factories";
import { csvText, ingest, makeTempDataDir } from "@/tests/ingest/helpers";

const adminUrl = process.env.TEST_ADMIN_URL!;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-backup-"));
const made: string[] = [];

function databaseUrl(name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  made.push(name);
  return u.toString();
}

async function dropDatabase(name: string) {
  const u = new URL(adminUrl);
  u.pathname = "/postgres";
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await c.end();
}

/** The installation's secrets must carry the test cluster's app-role password: roles are cluster-wide. */
function writeSecrets(dataDir: string) {
  const appPassword = decodeURIComponent(new URL(process.env.DATABASE_APP_URL!).password);
  const secrets = {
    embeddedSuperuserPassword: "unused",
    appRolePassword: appPassword,
    sessionSecret: "backup-test-session",
    extra: { sftpCredentialKey: "k" },
  };
  fs.writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify(secrets), { mode: 0o600 });
}

/**
 * Table name → rows and hash, for the tables of the first backup. (The test database is made
 * without the job queue's schema; a restore installs it, so later backups carry its empty tables.)
 */
const tableHashes = (m: BackupManifest, like: BackupManifest = m) => {
  const names = new Set(like.tables.map((t) => `${t.schema}.${t.name}`));
  return Object.fromEntries(
    m.tables.filter((t) => names.has(`${t.schema}.${t.name}`)).map((t) => [`${t.schema}.${t.name}`, `${t.rows}:${t.sha256}`]),
  );
};

let sourceDir: string;
let first: BackupManifest;
let orgId: string;

beforeAll(async () => {
  sourceDir = makeTempDataDir();
  writeSecrets(sourceDir);
  const org = await createSupplierOrganisation();
  orgId = org.id;
  const loaded = await ingest(org.id, "housing-benefits", await csvText("housing-benefits", 40));
  expect(loaded.status).toBe("loaded");
  first = await createBackup({ adminUrl, dataDir: sourceDir, outDir: path.join(tmp, "first") });
}, 300_000);

afterAll(async () => {
  for (const name of made) await dropDatabase(name).catch(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("backup and restore", () => {
  test("the backup carries the rows, the sequences and the stored original, each with its hash", () => {
    const byName = new Map(first.tables.map((t) => [`${t.schema}.${t.name}`, t]));
    expect(byName.get("public.organisation")!.rows).toBeGreaterThan(0);
    expect(byName.get("public.ds_housing_benefits")!.rows).toBeGreaterThanOrEqual(40);
    expect(byName.get("public.audit_event")!.rows).toBeGreaterThan(0);
    expect(byName.has("public._prisma_migrations")).toBe(false);
    expect(first.migrations.length).toBeGreaterThan(0);
    const stored = first.files.filter((f) => f.path.startsWith(`files/${orgId}/`) && f.path.endsWith(".csv"));
    expect(stored).toHaveLength(1);
    expect(first.files.map((f) => f.path)).toContain("secrets.json");
    for (const t of first.tables) expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("round trip: restore, back up again, destroy, restore again; every table and file is identical", async () => {
    const restoredDir = path.join(tmp, "restored-data");
    const second = "portal_restore_a_" + process.pid;
    await restoreInstallation({ databaseUrl: databaseUrl(second), dataDir: restoredDir, backupDir: path.join(tmp, "first") });

    // Back up the restored installation; its tables must hash exactly as the original's did.
    const again = await createBackup({ adminUrl: databaseUrl(second), dataDir: restoredDir, outDir: path.join(tmp, "second") });
    expect(tableHashes(again, first)).toEqual(tableHashes(first));
    expect(again.sequences.filter((s) => s.schema === "public")).toEqual(first.sequences.filter((s) => s.schema === "public"));
    expect(again.files).toEqual(first.files);

    // Destroy the restored installation completely, then bring it back from the second backup.
    await dropDatabase(second);
    fs.rmSync(restoredDir, { recursive: true, force: true });
    const third = "portal_restore_b_" + process.pid;
    await restoreInstallation({ databaseUrl: databaseUrl(third), dataDir: restoredDir, backupDir: path.join(tmp, "second") });
    const final = await createBackup({ adminUrl: databaseUrl(third), dataDir: restoredDir, outDir: path.join(tmp, "third") });
    expect(tableHashes(final, first)).toEqual(tableHashes(first));

    // Every file byte for byte, the stored original included.
    for (const f of first.files) {
      expect(fs.readFileSync(path.join(restoredDir, f.path)).equals(fs.readFileSync(path.join(sourceDir, f.path)))).toBe(true);
    }
    // The restored audit chain verifies and the batch is still there, live, with its rows.
    const c = new pg.Client({ connectionString: databaseUrl(third) });
    await c.connect();
    try {
      const chain = await c.query("SELECT first_bad_id FROM audit_verify_chain()");
      expect(chain.rows[0].first_bad_id).toBeNull();
      const rows = await c.query(
        `SELECT count(*)::int AS n FROM ds_housing_benefits d JOIN upload_batch b ON b.id = d.batch_id WHERE b.org_id = $1`,
        [orgId],
      );
      expect(rows.rows[0].n).toBe(40);
    } finally {
      await c.end();
    }
  }, 600_000);

  test("a tampered backup is refused before anything is touched", async () => {
    const damaged = path.join(tmp, "damaged");
    fs.cpSync(path.join(tmp, "first"), damaged, { recursive: true });
    const stored = first.files.find((f) => f.path.endsWith(".csv"))!;
    fs.appendFileSync(path.join(damaged, "data", stored.path), "x");
    const target = path.join(tmp, "untouched");
    await expect(
      restoreInstallation({ databaseUrl: databaseUrl("portal_restore_c_" + process.pid), dataDir: target, backupDir: damaged }),
    ).rejects.toThrow(/damaged; nothing was restored[\s\S]*wrong size/);
    expect(fs.existsSync(target)).toBe(false);
  });

  test("a manifest that points outside the backup is refused", async () => {
    const evil = path.join(tmp, "evil");
    fs.cpSync(path.join(tmp, "first"), evil, { recursive: true });
    const m = readManifest(evil);
    m.files.push({ path: "../../etc/passwd", size: 1, sha256: "0".repeat(64) });
    fs.writeFileSync(path.join(evil, "manifest.json"), JSON.stringify(m));
    await expect(restoreInstallation({ dataDir: path.join(tmp, "evil-target"), backupDir: evil })).rejects.toThrow(/outside the backup/);
  });

  test("a data folder that already holds an installation is never overwritten", async () => {
    await expect(
      restoreInstallation({ databaseUrl: databaseUrl("portal_restore_d_" + process.pid), dataDir: sourceDir, backupDir: path.join(tmp, "first") }),
    ).rejects.toBeInstanceOf(BackupError);
    expect(fs.readFileSync(path.join(sourceDir, "secrets.json"), "utf8")).toContain("backup-test-session");
  });

  test("a backup into a folder that is not empty is refused", async () => {
    await expect(createBackup({ adminUrl, dataDir: sourceDir, outDir: path.join(tmp, "first") })).rejects.toThrow(/not empty/);
  });
});
