import { spawn } from "node:child_process";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import { stopJobQueue } from "@/lib/queue/boss";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { recoverInterruptedRuns, runMatchingInProcess, startMatchingWorker, stopMatchingWorker } from "@/lib/matching/jobs";
import { setUpPilot } from "./helpers";

const root = path.resolve(import.meta.dirname, "../..");

afterAll(async () => {
  await stopMatchingWorker();
  await stopJobQueue();
});

const analysisRows = (runId: string) =>
  withContextClient({ kind: "researcher", userId: randomUUID() }, async (c) =>
    Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM analysis_child WHERE run_id = $1", [runId])).rows[0]!.n),
  );
const liveRun = (agreementId: string) =>
  withContext({ kind: "matching" }, async (tx) => (await tx.matchingLive.findUnique({ where: { agreementId } }))?.runId ?? null);

describe("kill -9 in the middle of a matching run", () => {
  test("the dashboards keep the previous run; the killed run is handed back to the queue, retried, and switches over atomically", async () => {
    const pilot = await setUpPilot();
    const first = await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
    const children = await analysisRows(first.runId);
    expect(children).toBeGreaterThan(0);

    // The next run, in a process of its own that has done all the work and waits before COMMIT.
    const run = await withContext({ kind: "matching" }, (tx) =>
      tx.matchingRun.create({ data: { agreementId: pilot.agreementId, trigger: "on-demand" } }),
    );
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "tests/matching/fixtures/stalled-run.ts", run.id],
      {
        cwd: root,
        env: process.env,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("STALLED")) resolve();
      });
      child.on("exit", () => reject(new Error(`the worker exited before the end of its run: ${out}`)));
    });
    // While its worker lives, the run is not taken for an interrupted one.
    expect(await recoverInterruptedRuns()).not.toContain(run.id);

    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // Readers still see the previous run, whole; nothing of the killed attempt was kept.
    expect(await liveRun(pilot.agreementId)).toBe(first.runId);
    expect(await analysisRows(first.runId)).toBe(children);
    await expect.poll(() => analysisRows(run.id), { timeout: 10_000 }).toBe(0);

    // What every instance's periodic reconciliation does: the run goes back to the queue.
    expect(await recoverInterruptedRuns()).toContain(run.id);
    const queued = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findUniqueOrThrow({ where: { id: run.id } }));
    expect(queued.status).toBe("queued");
    expect(queued.stage).toMatch(/Interrupted/);

    await startMatchingWorker();
    await expect
      .poll(async () => (await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findUniqueOrThrow({ where: { id: run.id } }))).status, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe("succeeded");
    expect(await liveRun(pilot.agreementId)).toBe(run.id);
    expect(await analysisRows(run.id)).toBe(children);

    const chain = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) => (await c.query("SELECT first_bad_id FROM audit_verify_chain()")).rows[0],
    );
    expect(chain.first_bad_id).toBeNull();
  }, 300_000);
});
