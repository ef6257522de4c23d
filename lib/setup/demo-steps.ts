import "server-only";
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
];
