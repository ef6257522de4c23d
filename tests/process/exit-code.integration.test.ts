import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs vitest as `npm test` does (same config, same global setup) on one fixture file. */
function runFixture(fixture: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE: fixture };
  // The parent run's per-file variables must not leak into the child's own set-up.
  delete env.DATABASE_APP_URL;
  delete env.TEST_ADMIN_URL;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  const r = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", "tests/process/fixtures/vitest.fixture.config.ts"],
    { cwd: root, env, encoding: "utf8", timeout: 180_000 },
  );
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe("the test command's exit code", () => {
  test("a failing assertion makes the run exit non-zero", () => {
    const r = runFixture("assertion");
    expect(r.output).toMatch(/1 failed/);
    expect(r.status).not.toBe(0);
  }, 200_000);

  test("a test file that throws on import makes the run exit non-zero", () => {
    const r = runFixture("import-error");
    expect(r.output).toMatch(/failed/);
    expect(r.status).not.toBe(0);
  }, 200_000);

  test("a passing run still exits 0", () => {
    const r = runFixture("passing");
    expect(r.output).toMatch(/1 passed/);
    expect(r.status).toBe(0);
  }, 200_000);
});
