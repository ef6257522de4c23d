import "server-only";
import { withContext } from "@/lib/db/tenant";
import { demoSteps, type DemoStepResult } from "./demo-steps";

const DONE_KEY = "demo.completed_steps";
const WELCOME_KEY = "demo.welcome";

/**
 * Runs the demo set-up steps that have not completed yet, in order. Each step records its
 * completion, so an interrupted first run resumes where it stopped rather than duplicating data.
 */
export async function runFirstRun(opts: { dataDir: string; log: (line: string) => void }): Promise<string[]> {
  const done = await withContext({ kind: "system", purpose: "first-run" }, async (tx) => {
    const row = await tx.systemSetting.findUnique({ where: { key: DONE_KEY } });
    return new Set<string>((row?.value as { steps?: string[] } | undefined)?.steps ?? []);
  });
  const notes: string[] = [];
  for (const step of demoSteps) {
    if (done.has(step.name)) continue;
    opts.log(`First run: ${step.description}…`);
    const result: DemoStepResult = (await step.run({ dataDir: opts.dataDir, log: opts.log })) ?? {};
    notes.push(...(result.notes ?? []));
    done.add(step.name);
    await withContext({ kind: "system", purpose: "first-run" }, (tx) =>
      tx.systemSetting.upsert({
        where: { key: DONE_KEY },
        create: { key: DONE_KEY, value: { steps: [...done] } },
        update: { value: { steps: [...done] }, updatedAt: new Date() },
      }),
    );
  }
  if (notes.length > 0) {
    await withContext({ kind: "system", purpose: "first-run" }, (tx) =>
      tx.systemSetting.upsert({
        where: { key: WELCOME_KEY },
        create: { key: WELCOME_KEY, value: { lines: notes } },
        update: { value: { lines: notes }, updatedAt: new Date() },
      }),
    );
  }
  return welcomeNotes();
}

/** What the start-up banner says about the demo (accounts, data), kept from the first run. */
export async function welcomeNotes(): Promise<string[]> {
  return withContext({ kind: "system", purpose: "first-run" }, async (tx) => {
    const row = await tx.systemSetting.findUnique({ where: { key: WELCOME_KEY } });
    return (row?.value as { lines?: string[] } | undefined)?.lines ?? [];
  });
}
