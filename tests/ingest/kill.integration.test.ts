import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { sweepInterruptedBatches } from "@/lib/ingest/batch-lock";
import { createSupplierOrganisation } from "@/tests/factories";
import { csvText, filesUnder, ingest, makeTempDataDir, rowsOfBatch } from "./helpers";

const root = path.resolve(import.meta.dirname, "../..");
const dataDir = makeTempDataDir();
afterAll(async () => {
  await closeDatabase();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function batches(orgId: string) {
  return withContextClient(
    { kind: "org", orgId },
    async (c) =>
      (await c.query<{ id: string; status: string }>(`SELECT id, status FROM upload_batch WHERE org_id = $1 ORDER BY created_at`, [orgId])).rows,
  );
}

describe("kill -9 in the middle of a load", () => {
  test("after the restart's sweep: the batch failed with a plain reason, no rows or bytes of it remain, the live batch is untouched, the audit chain verifies", async () => {
    const org = await createSupplierOrganisation();
    const live = await ingest(org.id, "housing-benefits", await csvText("housing-benefits", 30));
    expect(live.status).toBe("loaded");
    const file = path.join(dataDir, "big.csv");
    fs.writeFileSync(file, await csvText("housing-benefits", 200_000));

    // The same pipeline as the portal's uploads, in a process of its own that we can kill.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/ingest.ts", "--org", org.slug, "--dataset", "housing-benefits", file],
      { cwd: root, env: { ...process.env, PORTAL_DATA_DIR: dataDir }, stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    let victim: string | undefined;
    const deadline = Date.now() + 120_000;
    while (!victim && Date.now() < deadline) {
      const loading = (await batches(org.id)).find((b) => b.id !== live.batchId && (b.status === "received" || b.status === "loading"));
      // Killed once bytes are on disk and rows are on their way: the middle of the load.
      const partial = loading && filesUnder(dataDir).find((f) => f.includes(loading.id) && fs.statSync(f).size > 1_000_000);
      if (loading && partial) victim = loading.id;
      else await new Promise((r) => setTimeout(r, 25));
    }
    expect(victim, "the load never got under way").toBeDefined();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // What a restarted portal (or the next SFTP poll, or the CLI) does first. Another test file's
    // sweep may get there first; either way the batch must end failed.
    await sweepInterruptedBatches();

    const after = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) =>
        (
          await c.query<{ status: string; message: string }>(
            `SELECT b.status, r.message FROM upload_batch b JOIN ingest_batch_report r ON r.batch_id = b.id WHERE b.id = $1`,
            [victim],
          )
        ).rows[0],
    );
    expect(after?.status).toBe("failed");
    expect(after?.message).toMatch(/interrupted before it finished.*Nothing from it was loaded/);
    expect(await rowsOfBatch(org.id, "ds_housing_benefits", victim!)).toBe(0);
    expect(filesUnder(dataDir).filter((f) => f.includes(victim!))).toEqual([]);

    expect((await batches(org.id)).find((b) => b.id === live.batchId)?.status).toBe("loaded");
    expect(await rowsOfBatch(org.id, "ds_housing_benefits", live.batchId)).toBe(30);

    const chain = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) => (await c.query("SELECT first_bad_id FROM audit_verify_chain()")).rows[0],
    );
    expect(chain.first_bad_id).toBeNull();
  }, 300_000);
});
