import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";
import { handleMatchingJob, requestMatchingRun, startMatchingWorker, stopMatchingWorker } from "@/lib/matching/jobs";
import { computeRun } from "@/lib/matching/run";
import { analysisRows, groundTruth, liveRunId, runRow, setUpPilot, waitFor, type Pilot } from "./helpers";

let pilot: Pilot;

beforeAll(async () => {
  pilot = await setUpPilot();
  await startMatchingWorker();
}, 180_000);

afterAll(async () => {
  await stopMatchingWorker();
  await stopJobQueue();
  await closeDatabase();
});

async function runToCompletion(trigger: "on-demand" | "batch-withdrawn" = "on-demand") {
  const { runId } = await requestMatchingRun({ trigger, agreementId: pilot.agreementId });
  return waitFor(async () => {
    const r = await runRow(runId);
    if (r.status === "failed") throw new Error(`run failed: ${r.error}`);
    return r.status === "succeeded" ? r : null;
  }, 120_000);
}

const LINKS = [
  ["linked_housing_benefits", "in_housing_benefits"],
  ["linked_social_care", "in_social_care_person"],
  ["linked_social_care_household", "in_social_care_address"],
  ["linked_youth_offending", "in_youth_offending"],
  ["linked_drug_alcohol", "in_drug_alcohol"],
  ["linked_police_crime", "in_police_crime"],
] as const;

describe("the matching job", () => {
  it("links every child exactly as the ground truth says, through the queue, and makes the run live", async () => {
    const run = await runToCompletion();
    expect(run.progress).toBe(100);
    expect(await liveRunId(pilot.agreementId)).toBe(run.id);

    const truth = groundTruth(pilot.demo.groundTruthPath);
    const rows = await analysisRows(run.id);
    expect(rows.length).toBe(truth.length);
    expect(run.children).toBe(truth.length);
    const mismatches: string[] = [];
    rows.forEach((row, i) => {
      const t = truth[i]!;
      expect(row.child_no).toBe(i + 1);
      expect(row.assessment_year).toBe(Number(t.assessment_year));
      for (const [col, truthCol] of LINKS) {
        if (row[col] !== (t[truthCol] === "Y")) mismatches.push(`child ${i + 1} ${col}`);
      }
    });
    expect(mismatches).toEqual([]);
    // The demo has every kind of link; an all-false column would make the comparison vacuous.
    for (const [col] of LINKS) expect(rows.some((r) => r[col])).toBe(true);
    expect(rows.every((r) => r.area !== "unknown")).toBe(true);
    expect(rows.some((r) => r.area === "vange") && rows.some((r) => r.area === "rest")).toBe(true);
  }, 180_000);

  it("reports rows, distinct keys, matched keys and match rate per dataset", async () => {
    const live = (await liveRunId(pilot.agreementId))!;
    const stats = await withContext({ kind: "matching" }, (tx) => tx.matchingRunDataset.findMany({ where: { runId: live } }));
    const truth = groundTruth(pilot.demo.groundTruthPath);
    const byKey = new Map(stats.map((s) => [`${s.datasetId}|${s.keyColumn}`, s]));
    const housing = byKey.get("housing-benefits|address_key")!;
    expect(housing.rowCount).toBe(pilot.demo.files.find((f) => f.datasetId === "housing-benefits")!.rows);
    expect(housing.distinctKeys).toBe(housing.rowCount);
    const housingAddresses = new Set(truth.filter((t) => t.in_housing_benefits === "Y").map((t) => t.address_key!.toLowerCase()));
    expect(housing.matchedKeys).toBe(housingAddresses.size);
    expect(Number(housing.matchRate)).toBeCloseTo((100 * housing.matchedKeys) / housing.distinctKeys, 2);
    const carePersons = new Set(truth.filter((t) => t.in_social_care_person === "Y").map((t) => t.person_key));
    expect(byKey.get("social-care|person_key")!.matchedKeys).toBe(carePersons.size);
    const cohort = byKey.get("school-readiness|person_key")!;
    expect(cohort.rowCount).toBe(truth.length);
    expect(cohort.orgId).toBe(pilot.orgs.county);
    expect(byKey.get("police-crime|address_key")!.orgId).toBe(pilot.orgs.police);
    expect(stats).toHaveLength(7);
  });

  it("keeps the last good run live while a run fails, retries it, and never exposes a partial run", async () => {
    const before = (await liveRunId(pilot.agreementId))!;
    const { runId } = await withContextClient({ kind: "matching" }, async (c) => {
      const r = await c.query<{ id: string }>(
        "INSERT INTO matching_run (agreement_id, trigger, status) VALUES ($1, 'on-demand', 'queued') RETURNING id",
        [pilot.agreementId],
      );
      return { runId: r.rows[0]!.id };
    });
    // Fails after every write of the run (analysis rows, statistics, live switch), before COMMIT.
    const failing: typeof computeRun = (id, progress) =>
      computeRun(id, progress, {
        beforeCommit: async () => {
          throw new Error("simulated crash while finalising");
        },
      });
    await expect(handleMatchingJob({ data: { runId }, retryCount: 0, retryLimit: 2 }, failing)).rejects.toThrow(/simulated/);
    let row = await runRow(runId);
    expect(row.status).toBe("queued");
    expect(row.error).toMatch(/unexpected error/);
    expect(await liveRunId(pilot.agreementId)).toBe(before);
    expect(await analysisRows(runId)).toHaveLength(0);

    await expect(handleMatchingJob({ data: { runId }, retryCount: 2, retryLimit: 2 }, failing)).rejects.toThrow();
    row = await runRow(runId);
    expect(row.status).toBe("failed");
    expect(row.attempts).toBe(2);
    expect(await liveRunId(pilot.agreementId)).toBe(before);
    expect((await analysisRows(before)).length).toBeGreaterThan(0);
  });

  it("re-runs after a withdrawal and drops the withdrawn dataset's links", async () => {
    const withdrawn = await withdrawBatch({ orgId: pilot.orgs.police, batchId: pilot.batches["police-crime"]!, actor: { label: "test" } });
    expect(withdrawn.ok).toBe(true);
    const run = await runToCompletion("batch-withdrawn");
    expect(await liveRunId(pilot.agreementId)).toBe(run.id);
    const rows = await analysisRows(run.id);
    expect(rows.every((r) => r.linked_police_crime === false && r.f_crime_asb === false)).toBe(true);
    expect(run.batchIds).not.toContain(pilot.batches["police-crime"]);
    // Only the live run's analysis rows are kept (old ones are removed just after the switch).
    const keptRuns = () =>
      withContextClient({ kind: "researcher", userId: crypto.randomUUID() }, (c) =>
        c.query<{ run_id: string }>(
          "SELECT DISTINCT run_id FROM analysis_child WHERE run_id IN (SELECT id FROM matching_run WHERE agreement_id = $1)",
          [pilot.agreementId],
        ),
      ).then((r) => r.rows.map((x) => x.run_id));
    await waitFor(async () => (await keptRuns()).length === 1);
    expect(await keptRuns()).toEqual([run.id]);
  }, 180_000);
});
