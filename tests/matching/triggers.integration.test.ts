import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { generateDemoData } from "@/lib/demo";
import { installJobQueue } from "@/lib/jobs/install";
import { startJobs, stopJobs } from "@/lib/jobs";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";
import { seedDemoOrganisations } from "@/lib/setup/demo-organisations";
import { loadFile, waitFor } from "./helpers";

let dir: string;
let county: string;
let pilot: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-matching-triggers-"));
  process.env.PORTAL_DATA_DIR = dir;
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  await seedDemoOrganisations();
  ({ county, pilot } = await withContext({ kind: "system", purpose: "test" }, async (tx) => ({
    county: (await tx.organisation.findUniqueOrThrow({ where: { slug: "essex-county-council" } })).id,
    pilot: (await tx.agreement.findUniqueOrThrow({ where: { slug: "essex-pilot" } })).id,
  })));
  await startJobs({ log: () => {} });
  // Start-up's own check may queue a run for batches already loaded; let it finish first.
  await waitFor(async () => {
    const open = await withContext({ kind: "matching" }, (tx) =>
      tx.matchingRun.count({ where: { agreementId: pilot, status: { in: ["queued", "running"] } } }),
    );
    return open === 0;
  }, 120_000);
}, 180_000);

afterAll(async () => {
  await stopJobs();
  await closeDatabase();
});

async function runFor(batchId: string, trigger: string) {
  return waitFor(async () => {
    const runs = await withContext({ kind: "matching" }, (tx) =>
      tx.matchingRun.findMany({ where: { agreementId: pilot, trigger }, orderBy: { version: "desc" }, take: 1 }),
    );
    const r = runs[0];
    if (r?.status === "failed") throw new Error(`run ${r.version} failed: ${r.error}`);
    return r?.status === "succeeded" && (trigger === "batch-withdrawn" ? !r.batchIds.includes(batchId) : r.batchIds.includes(batchId)) ? r : null;
  }, 120_000);
}

describe("matching runs start by themselves", () => {
  it("after a pilot batch is loaded, and again after it is withdrawn", async () => {
    const demo = await generateDemoData({ outDir: path.join(dir, "demo"), households: 300, childrenPerYear: 20, years: [2016], seed: 5 });
    const file = demo.files.find((f) => f.datasetId === "school-readiness")!;
    const batchId = await loadFile(county, "school-readiness", file.path);
    const loaded = await runFor(batchId, "batch-loaded");
    const live = await withContext({ kind: "matching" }, (tx) => tx.matchingLive.findUnique({ where: { agreementId: pilot } }));
    expect(live?.runId).toBe(loaded.id);

    expect((await withdrawBatch({ orgId: county, batchId, actor: { label: "test" } })).ok).toBe(true);
    const withdrawn = await runFor(batchId, "batch-withdrawn");
    expect(withdrawn.version).toBeGreaterThan(loaded.version);
  }, 240_000);
});
