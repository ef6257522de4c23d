import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generateCsv } from "@/lib/datasets/testing/generate";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { createSupplierOrganisation } from "../factories";
import { csvText, filesUnder, makeTempDataDir } from "./helpers";

const dataDir = makeTempDataDir();
afterAll(closeDatabase);

function runCli(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/ingest.ts", ...args], {
    env: { ...process.env, PORTAL_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

async function batchesOf(orgId: string) {
  return withContextClient({ kind: "org", orgId }, async (c) => (await c.query(`SELECT id, status FROM upload_batch ORDER BY created_at`)).rows);
}

describe("npm run ingest", () => {
  it("loads a valid file and exits 0", async () => {
    const org = await createSupplierOrganisation();
    const file = path.join(dataDir, "good.csv");
    fs.writeFileSync(file, await csvText("police-crime", 40));
    const r = await runCli(["--org", org.slug, "--dataset", "police-crime", file]).done;
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/All 40 rows were loaded/);
    expect((await batchesOf(org.id)).map((b) => b.status)).toEqual(["loaded"]);
  });

  it("refuses a file with errors, exits 1 and prints the report on stderr", async () => {
    const org = await createSupplierOrganisation();
    const file = path.join(dataDir, "bad.csv");
    const good = (await csvText("youth-offending", 3)).toString().trimEnd().split("\n");
    fs.writeFileSync(file, [...good, good[1]!.replace(/,[YN],/, ",maybe,")].join("\n") + "\n");
    const r = await runCli(["--org", org.slug, "--dataset", "youth-offending", file]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/REFUSED/);
    expect(r.stderr).toMatch(/yos_known/);
    expect(r.stderr).toMatch(/line 5/);
    expect((await batchesOf(org.id)).map((b) => b.status)).toEqual(["refused"]);
  });

  it("answers a usage error with exit code 2 and the usage text", async () => {
    const r = await runCli(["--dataset", "nope", "x.csv"]).done;
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: npm run ingest/);
  });

  it("leaves nothing visible when the process is killed in the middle of a load", async () => {
    const org = await createSupplierOrganisation();
    const file = path.join(dataDir, "big.csv");
    const out = fs.createWriteStream(file);
    for await (const chunk of generateCsv("housing-benefits", 400_000))
      if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
    await new Promise<void>((r) => out.end(() => r()));
    const size = fs.statSync(file).size;

    const { child, done } = runCli(["--org", org.slug, "--dataset", "housing-benefits", file]);
    // Kill once rows are flowing into PostgreSQL: the batch exists, a COPY or the final INSERT is
    // running, and part of the file has been received.
    const deadline = Date.now() + 120_000;
    let killedWhile = "";
    while (Date.now() < deadline && child.exitCode === null) {
      const busy = await withContextClient(
        { kind: "org", orgId: org.id },
        async (c) =>
          (
            await c.query<{ query: string }>(
              `SELECT query FROM pg_stat_activity WHERE state = 'active' AND (query LIKE 'COPY ingest_staging%' OR query LIKE 'INSERT INTO "ds_housing_benefits"%')`,
            )
          ).rows,
      );
      const partial = filesUnder(dataDir).find((f) => f.endsWith(".partial"));
      const received = partial && fs.existsSync(partial) ? fs.statSync(partial).size : 0;
      if (busy.length > 0 && received > size / 4) {
        killedWhile = busy[0]!.query.slice(0, 30);
        child.kill("SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const r = await done;
    expect(killedWhile, "the load finished before it could be interrupted").not.toBe("");
    expect(r.signal).toBe("SIGKILL");

    const [batch] = await batchesOf(org.id);
    expect(batch).toBeDefined();
    expect(batch!.status).not.toBe("loaded");
    // PostgreSQL notices the dead connection and rolls back; wait for its backend to go away.
    const rowsVisible = async () =>
      withContextClient(
        { kind: "org", orgId: org.id },
        async (c) => (await c.query(`SELECT count(*)::int AS n FROM ds_housing_benefits WHERE batch_id = $1`, [batch!.id])).rows[0].n,
      );
    expect(await rowsVisible()).toBe(0);
    let swept: string[] = [];
    for (let i = 0; i < 100 && !swept.includes(batch!.id); i++) {
      swept = await sweepInterruptedBatches();
      if (!swept.includes(batch!.id)) await new Promise((res) => setTimeout(res, 100));
    }
    expect(swept).toContain(batch!.id);
    expect((await batchesOf(org.id))[0]!.status).toBe("failed");
    expect(await rowsVisible()).toBe(0);
    expect(filesUnder(path.join(dataDir, "files")).filter((f) => f.includes(batch!.id))).toEqual([]);
  });
});
