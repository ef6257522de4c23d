import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { getDataset } from "@/lib/datasets";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { ingestFile } from "@/lib/ingest/pipeline";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";
import { installJobQueue } from "@/lib/jobs/install";
import { registerRunKind, runMatchingInProcess } from "@/lib/matching/jobs";
import { batchCsvFiles } from "@/lib/troubled-families/csv-rows";
import { generateTroubledFamilies } from "@/lib/troubled-families/generate";
import { computeTfRun } from "@/lib/troubled-families/run.server";
import { createOrganisation } from "../factories";
import { makeTempDataDir } from "../ingest/helpers";

const day = 86_400_000;
// Stored original files go to a folder of this test's own, never the working tree's .data.
makeTempDataDir();

interface Setup {
  agreementId: string;
  councils: { a: string; b: string };
  batches: Map<string, string>;
  keys: string[];
}

/** A private Troubled Families agreement: two councils, two half-years each, loaded through the pipeline. */
async function setUp(): Promise<Setup> {
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  const a = (await createOrganisation({ kind: "county_council" })).id;
  const b = (await createOrganisation({ kind: "borough_council" })).id;
  const slug = `tf-${randomUUID().slice(0, 8)}`;
  const agreementId = await withContext({ kind: "system", purpose: "test" }, async (tx) => {
    const now = Date.now();
    const agreement = await tx.agreement.create({
      data: {
        slug,
        name: "Test Troubled Families evaluation",
        purpose: "tests",
        ownerOrgId: a,
        startDate: new Date(now - 30 * day),
        reviewDate: new Date(now + 180 * day),
        endDate: new Date(now + 365 * day),
        suppressionThreshold: 5,
        batchCadenceMonths: 6,
      },
    });
    for (const org of [a, b]) {
      await tx.agreementPartner.create({ data: { agreementId: agreement.id, orgId: org, role: org === a ? "owner" : "partner" } });
      await tx.agreementDataset.create({ data: { agreementId: agreement.id, datasetId: "troubled-families", supplierOrgId: org } });
    }
    return agreement.id;
  });
  registerRunKind(slug, computeTfRun);
  const persons = generateTroubledFamilies({ seed: 99, councils: [a, b], periods: ["2016-H1", "2016-H2"], familiesPerBatch: 150 });
  const columns = getDataset("troubled-families").columns.map((c) => c.name);
  const batches = new Map<string, string>();
  for (const { council, period, csv } of batchCsvFiles(persons, columns).values()) {
    const result = await ingestFile({
      orgId: council,
      datasetId: "troubled-families",
      period,
      source: "cli",
      originalFilename: `tf-${period}.csv`,
      loadValidRows: false,
      actor: { label: "test" },
      input: Readable.from([Buffer.from(csv, "utf8")]),
    });
    if (result.status !== "loaded" || !result.batchId) throw new Error(`batch ${period} did not load: ${result.message}`);
    batches.set(`${council}/${period}`, result.batchId);
  }
  const keys = persons.flatMap((p) => [p.familyKey, p.personKey]);
  return { agreementId, councils: { a, b }, batches, keys };
}

const liveResults = (ctx: Parameters<typeof withContextClient>[0], agreementId: string) =>
  withContextClient(ctx, async (c) => {
    const { rows } = await c.query<{ scope: string; cohort: string; published: { outcomes: unknown[] }; summary: { batches: string[] } }>(
      `SELECT r.scope, r.cohort, r.published, r.summary FROM tf_evaluation_result r
       JOIN matching_live l ON l.run_id = r.run_id WHERE l.agreement_id = $1 ORDER BY r.scope, r.cohort`,
      [agreementId],
    );
    return rows;
  });

describe("the Troubled Families evaluation run", () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
    await runMatchingInProcess({ trigger: "on-demand", agreementId: s.agreementId });
  }, 240_000);

  it("stores every council and all councils, each cohort and pooled, and the run is live", async () => {
    const rows = await liveResults({ kind: "researcher", userId: randomUUID() }, s.agreementId);
    const scopes = rows.map((r) => `${r.scope === "all" ? "all" : r.scope === s.councils.a ? "a" : "b"}/${r.cohort}`).sort();
    expect(scopes).toEqual(["a/2016-H1", "a/2016-H2", "a/all", "all/2016-H1", "all/2016-H2", "all/all", "b/2016-H1", "b/2016-H2", "b/all"]);
    const pooled = rows.find((r) => r.scope === "all" && r.cohort === "all")!;
    expect(pooled.published.outcomes).toHaveLength(5);
    expect(pooled.summary.batches).toHaveLength(4);
    const run = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findFirstOrThrow({ where: { agreementId: s.agreementId } }));
    expect(run.status).toBe("succeeded");
    expect(run.batchIds).toHaveLength(4);
  });

  it("stores no family or person key, only published figures", async () => {
    const rows = await liveResults({ kind: "researcher", userId: randomUUID() }, s.agreementId);
    const text = JSON.stringify(rows);
    for (const key of s.keys.slice(0, 200)) expect(text).not.toContain(key);
  });

  it("a council's users read only their own council's results; researchers read all", async () => {
    const asA = await liveResults({ kind: "org", orgId: s.councils.a }, s.agreementId);
    expect(asA.length).toBe(3);
    expect(new Set(asA.map((r) => r.scope))).toEqual(new Set([s.councils.a]));
    const asB = await liveResults({ kind: "org", orgId: s.councils.b }, s.agreementId);
    expect(new Set(asB.map((r) => r.scope))).toEqual(new Set([s.councils.b]));
    const other = (await createOrganisation({ kind: "police" })).id;
    expect(await liveResults({ kind: "org", orgId: other }, s.agreementId)).toEqual([]);
    // Without a context every policy denies.
    await expect(
      withContextClient({ kind: "org", orgId: s.councils.a }, (c) =>
        c.query("INSERT INTO tf_evaluation_result (run_id, scope, cohort, published, summary) VALUES (gen_random_uuid(), 'all', 'all', '{}', '{}')"),
      ),
    ).rejects.toThrow();
  });

  it("a withdrawn batch leaves the next run's results, and the older run's rows are discarded", async () => {
    const batchId = s.batches.get(`${s.councils.b}/2016-H2`)!;
    const withdrawn = await withdrawBatch({ orgId: s.councils.b, batchId, actor: { label: "test" } });
    expect(withdrawn).toMatchObject({ ok: true });
    await runMatchingInProcess({ trigger: "batch-withdrawn", agreementId: s.agreementId });
    const rows = await liveResults({ kind: "researcher", userId: randomUUID() }, s.agreementId);
    const b = rows.filter((r) => r.scope === s.councils.b).map((r) => r.cohort);
    expect(b.sort()).toEqual(["2016-H1", "all"]);
    expect(rows.find((r) => r.scope === "all" && r.cohort === "all")!.summary.batches).not.toContain(batchId);
    // Superseded runs' rows are discarded (matching_discard_analysis): only the live run's remain.
    // (The job discards them in the background once the new run is live, hence the poll.)
    const stored = () => withContext({ kind: "matching" }, (tx) => tx.tfEvaluationResult.count({ where: { run: { agreementId: s.agreementId } } }));
    await expect.poll(stored, { timeout: 10_000 }).toBe(rows.length);
  });
});
