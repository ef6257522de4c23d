import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-backup-cli-"));
// Run as root, the embedded cluster runs as its own OS user, which must reach its data folder.
fs.chmodSync(tmp, 0o755);

/** Runs an entry point as package.json does, on an embedded installation in `dataDir`. */
function run(script: string, dataDir: string, args: string[] = []) {
  const env: NodeJS.ProcessEnv = { ...process.env, PORTAL_DATA_DIR: dataDir };
  for (const k of ["DATABASE_URL", "DATABASE_APP_URL", "TEST_DATABASE_URL", "TEST_ADMIN_URL", "EMBEDDED_PG_PORT"]) delete env[k];
  const r = spawnSync(process.execPath, ["--import", "tsx", "--import", "./scripts/shims/register.mjs", `scripts/${script}.ts`, ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 240_000,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("npm run backup / restore on the embedded default", () => {
  test("backs up an embedded installation and restores it into a new data folder with its own cluster", () => {
    const a = path.join(tmp, "a");
    const b = path.join(tmp, "b");
    const out = path.join(tmp, "backup");
    const migrated = run("migrate", a);
    expect(migrated.err).toBe("");
    expect(migrated.status).toBe(0);
    fs.mkdirSync(path.join(a, "files"), { recursive: true });
    fs.writeFileSync(path.join(a, "files", "kept.bin"), Buffer.from([0, 1, 2, 3, 255]));

    const backup = run("backup", a, [out]);
    expect(backup.err).not.toMatch(/failed/);
    expect(backup.status).toBe(0);
    expect(backup.out).toMatch(/Backup written to .*: \d+ tables, \d+ rows, 2 files\./);

    const restore = run("restore", b, [out]);
    expect(restore.status).toBe(0);
    expect(restore.out).toMatch(/Restored the backup of .*verified against its manifest/);
    expect(fs.existsSync(path.join(b, "pg", "PG_VERSION"))).toBe(true);
    expect(fs.readFileSync(path.join(b, "files", "kept.bin"))).toEqual(Buffer.from([0, 1, 2, 3, 255]));
    expect(fs.readFileSync(path.join(b, "secrets.json"), "utf8")).toBe(fs.readFileSync(path.join(a, "secrets.json"), "utf8"));

    const twice = run("restore", b, [out]);
    expect(twice.status).toBe(1);
    expect(twice.err).toMatch(/already holds a portal installation/);
  }, 600_000);

  test("a usage error exits 2 with the usage line", () => {
    const r = run("backup", path.join(tmp, "none"));
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/Usage: npm run backup/);
  }, 60_000);
});
