import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { generateDemoData, type DemoResult } from "@/lib/demo";
import { loadOutputAreas } from "@/lib/geography/load";
import { ingestFile } from "@/lib/ingest/pipeline";
import { installJobQueue } from "@/lib/jobs/install";
import { MATCHED_DATASETS } from "@/lib/matching/sources";
import { createOrganisation, daysFromToday } from "../factories";

export interface Pilot {
  agreementId: string;
  orgs: { county: string; borough: string; police: string };
  supplier: Record<string, string>;
  demo: DemoResult;
  batches: Record<string, string>;
}

async function* fileBytes(file: string): AsyncGenerator<Buffer> {
  for await (const chunk of fs.createReadStream(file)) yield chunk as Buffer;
}

/**
 * A private copy of the Essex pilot for one test file: its own organisations and agreement (so
 * batches loaded by other test files never enter its runs), demo data generated small, loaded
 * through the real ingest pipeline, and the output-area lookup.
 */
export async function setUpPilot(
  opts: {
    households?: number;
    childrenPerYear?: number;
    seed?: number;
    /** Demo quirks mode: files with deliberate problems, loaded with their valid rows only. */
    quirks?: boolean;
    /** Also write the police extract before pseudonymisation (raw/police-crime.csv). */
    rawPoliceExtract?: boolean;
    /** Rewrites a generated file before it is loaded (to plant a problem). */
    edit?: (datasetId: string, csv: string, demo: DemoResult) => string;
  } = {},
): Promise<Pilot> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-matching-"));
  process.env.PORTAL_DATA_DIR = dir;
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  const county = (await createOrganisation({ kind: "county_council" })).id;
  const borough = (await createOrganisation({ kind: "borough_council" })).id;
  const police = (await createOrganisation({ kind: "police" })).id;
  const supplier: Record<string, string> = {
    "housing-benefits": borough,
    "social-care": county,
    "school-readiness": county,
    "youth-offending": county,
    "drug-alcohol": county,
    "police-crime": police,
  };
  const agreementId = await withContext({ kind: "system", purpose: "test" }, async (tx) => {
    const a = await tx.agreement.create({
      data: {
        slug: `pilot-${randomUUID().slice(0, 8)}`,
        name: "Test pilot",
        purpose: "tests",
        ownerOrgId: county,
        // In force whenever the tests run: uploads are refused outside an agreement's dates (decision 110).
        startDate: daysFromToday(-30),
        reviewDate: daysFromToday(335),
        endDate: daysFromToday(335),
        suppressionThreshold: 5,
      },
    });
    for (const datasetId of MATCHED_DATASETS) {
      await tx.agreementDataset.create({ data: { agreementId: a.id, datasetId, supplierOrgId: supplier[datasetId]! } });
    }
    return a.id;
  });
  const demo = await generateDemoData({
    outDir: path.join(dir, "demo"),
    households: opts.households ?? 900,
    childrenPerYear: opts.childrenPerYear ?? 120,
    years: [2015, 2016],
    seed: opts.seed ?? 7,
    quirks: opts.quirks ?? false,
    rawPoliceExtract: opts.rawPoliceExtract ?? false,
  });
  await loadOutputAreas(demo.outputAreasPath, "test");
  const batches: Record<string, string> = {};
  for (const f of demo.files) {
    const orgId = supplier[f.datasetId];
    if (!orgId) continue;
    if (opts.edit) fs.writeFileSync(f.path, opts.edit(f.datasetId, fs.readFileSync(f.path, "utf8"), demo));
    batches[f.datasetId] = await loadFile(orgId, f.datasetId, f.path, opts.quirks ?? false);
  }
  return { agreementId, orgs: { county, borough, police }, supplier, demo, batches };
}

export async function loadFile(orgId: string, datasetId: string, file: string, loadValidRows = false): Promise<string> {
  const result = await ingestFile({
    orgId,
    datasetId: datasetId as never,
    source: "cli",
    originalFilename: path.basename(file),
    loadValidRows,
    actor: { label: "test" },
    input: fileBytes(file),
  });
  if (result.status !== "loaded" || !result.batchId) throw new Error(`${datasetId} did not load: ${result.status}`);
  return result.batchId;
}

export type Truth = Record<string, string>;

/** ground-truth.csv in the analysis table's child order (person key, then assessment year). */
export function groundTruth(file: string): Truth[] {
  const rows = Papa.parse<Truth>(fs.readFileSync(file, "utf8"), { header: true, skipEmptyLines: true }).data;
  return rows
    .map((r): Truth => ({ ...r, person_key: r.person_key!.toLowerCase() }))
    .sort((a, b) => (a.person_key! < b.person_key! ? -1 : a.person_key! > b.person_key! ? 1 : Number(a.assessment_year) - Number(b.assessment_year)));
}

export async function analysisRows(runId: string) {
  return withContextClient({ kind: "researcher", userId: randomUUID() }, async (c) => {
    const { rows } = await c.query(`SELECT * FROM analysis_child WHERE run_id = $1 ORDER BY child_no`, [runId]);
    return rows;
  });
}

export async function runRow(runId: string) {
  return withContext({ kind: "matching" }, (tx) => tx.matchingRun.findUniqueOrThrow({ where: { id: runId } }));
}

export async function liveRunId(agreementId: string): Promise<string | null> {
  const live = await withContext({ kind: "matching" }, (tx) => tx.matchingLive.findUnique({ where: { agreementId } }));
  return live?.runId ?? null;
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 250));
  }
}
