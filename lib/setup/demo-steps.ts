import "server-only";
import { loadDemoDataThroughPipeline } from "@/lib/ingest/demo-load";
import { seedDemoOrganisations } from "./demo-organisations";

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
    name: "demo-data",
    description: "loading the synthetic Essex pilot extracts through the ingest pipeline",
    run: async ({ dataDir, log }) => {
      const loaded = await loadDemoDataThroughPipeline({ dataDir, log });
      return { notes: [`Demo data: ${loaded.files} partner extracts (${loaded.rows.toLocaleString("en-GB")} rows) loaded through the upload pipeline.`] };
    },
  },
];
