import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { loadDemoDataThroughPipeline } from "@/lib/ingest/demo-load";
import { seedDemoOrganisations } from "@/lib/setup/demo-organisations";
import { makeTempDataDir } from "./helpers";

const dataDir = makeTempDataDir();
afterAll(closeDatabase);

describe("the first-run demo step", () => {
  it("generates the six Essex files and loads each as its supplier through the pipeline", async () => {
    await seedDemoOrganisations();
    const lines: string[] = [];
    const loaded = await loadDemoDataThroughPipeline({ dataDir, log: (l) => lines.push(l) });
    expect(loaded.files).toBe(6);
    expect(loaded.rows).toBeGreaterThan(1000);
    const live = await withContextClient(
      { kind: "matching" },
      async (c) =>
        (
          await c.query(
            `SELECT o.slug, b.dataset_id, u.source FROM live_batch b JOIN organisation o ON o.id = b.org_id JOIN upload_batch u ON u.id = b.batch_id ORDER BY b.dataset_id`,
          )
        ).rows,
    );
    expect(live.filter((r) => r.source === "demo").map((r) => `${r.dataset_id}:${r.slug}`)).toEqual([
      "drug-alcohol:essex-county-council",
      "housing-benefits:basildon-borough-council",
      "police-crime:essex-police",
      "school-readiness:essex-county-council",
      "social-care:essex-county-council",
      "youth-offending:essex-county-council",
    ]);
  });
});
