import "server-only";
import path from "node:path";
import { loadOutputAreas } from "@/lib/geography/load";
import { loadDemoDataThroughPipeline } from "@/lib/ingest/demo-load";
import { DEMO_SALT } from "@/lib/demo";
import { registerBlankDigest } from "@/lib/matching/blank-digests";
import { agreementIdBySlug, runMatchingInProcess } from "@/lib/matching/jobs";
import { emptyIdentifierDigest } from "@/lib/pseudonymise";
import { seedDemoAccounts } from "@/lib/idp/demo";
import { getDataset } from "@/lib/datasets";
import { ingestFile } from "@/lib/ingest/pipeline";
import { batchCsvFiles } from "@/lib/troubled-families/csv-rows";
import { generateTroubledFamilies } from "@/lib/troubled-families/generate";
import { runTfInProcess } from "@/lib/troubled-families/jobs.server";
import { withContext } from "@/lib/db/tenant";
import { Readable } from "node:stream";
import { TROUBLED_FAMILIES_SUPPLIERS, seedDemoOrganisations } from "./demo-organisations";

export interface DemoStepResult {
  /** Lines for the start-up banner (how to sign in, what was loaded). */
  notes?: string[];
}

export interface DemoStep {
  /** Stable id recorded once the step has completed. */
  name: string;
  description: string;
  run(ctx: { dataDir: string; log: (line: string) => void }): Promise<DemoStepResult | void>;
}

/** The first-run demo set-up, in order. Each domain adds its step here. */
export const demoSteps: DemoStep[] = [
  {
    name: "organisations",
    description: "creating the Essex pilot's partner organisations and agreements",
    run: async () => {
      await seedDemoOrganisations();
    },
  },
  {
    name: "accounts",
    description: "creating the demo accounts (an administrator, an analyst per partner, a researcher, an approver)",
    run: () => seedDemoAccounts(),
  },
  {
    name: "demo-data",
    description: "loading the synthetic Essex pilot extracts through the ingest pipeline",
    run: async ({ dataDir, log }) => {
      const loaded = await loadDemoDataThroughPipeline({ dataDir, log });
      return {
        notes: [`Demo data: ${loaded.files} partner extracts (${loaded.rows.toLocaleString("en-GB")} rows) loaded through the upload pipeline.`],
      };
    },
  },
  {
    name: "matching",
    description: "loading the output-area lookup and running the first matching run",
    run: async ({ dataDir, log }) => {
      const areas = await loadOutputAreas(path.join(dataDir, "demo", "output-areas.csv"), "system:first-run");
      log(`  output-area lookup: ${areas.rows} addresses`);
      // What the pilot's partners would hand over: their tool's output for a blank row.
      await registerBlankDigest({
        agreementId: await agreementIdBySlug("essex-pilot"),
        digest: emptyIdentifierDigest(DEMO_SALT),
        note: "Blank-row digest under the demo key, supplied with the partners' extracts",
        actorLabel: "system:first-run",
      });
      const run = await runMatchingInProcess({ trigger: "demo" });
      return { notes: [`Matching run ${run.version} linked the demo extracts; the Vange dashboards are ready.`] };
    },
  },
  {
    name: "troubled-families",
    description: "loading synthetic Troubled Families batches (two councils, four half-years) and running the evaluation",
    run: async ({ log }) => {
      // Planted data (decision 093): the matched estimate recovers a known programme effect.
      const persons = generateTroubledFamilies({ seed: 2015, councils: TROUBLED_FAMILIES_SUPPLIERS });
      const columns = getDataset("troubled-families").columns.map((c) => c.name);
      const orgs = await withContext({ kind: "system", purpose: "demo-load" }, (tx) =>
        tx.organisation.findMany({ where: { slug: { in: [...TROUBLED_FAMILIES_SUPPLIERS] } }, select: { id: true, slug: true } }),
      );
      const orgBySlug = new Map(orgs.map((o) => [o.slug, o.id]));
      let batches = 0;
      for (const { council, period, csv } of batchCsvFiles(persons, columns).values()) {
        const result = await ingestFile({
          orgId: orgBySlug.get(council)!,
          datasetId: "troubled-families",
          period,
          source: "demo",
          originalFilename: `${council}_troubled-families_${period}.csv`,
          loadValidRows: false,
          actor: { label: "system:first-run" },
          input: Readable.from([Buffer.from(csv, "utf8")]),
        });
        if (result.status !== "loaded") throw new Error(`the demo Troubled Families batch ${council} ${period} was not loaded: ${result.message}`);
        batches++;
      }
      log(`  troubled-families: ${batches} batches loaded`);
      const run = await runTfInProcess("demo");
      return { notes: [`Troubled Families: ${batches} council batches loaded; evaluation run ${run.version} is ready.`] };
    },
  },
];
