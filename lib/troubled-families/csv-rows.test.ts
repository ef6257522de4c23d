import { describe, expect, it } from "vitest";
import { getDataset } from "@/lib/datasets";
import { validateCsv } from "@/lib/ingest/parse";
import { batchCsvFiles } from "./csv-rows";
import { TF_DEMO_PERIODS, generateTroubledFamilies } from "./generate";

describe("planted Troubled Families batches as dataset files", () => {
  it("two councils × four periods, every file valid under the troubled-families rules", async () => {
    const columns = getDataset("troubled-families").columns.map((c) => c.name);
    const files = batchCsvFiles(generateTroubledFamilies({ seed: 11, familiesPerBatch: 80 }), columns);
    expect(files.size).toBe(8);
    for (const { period, csv } of files.values()) {
      expect(TF_DEMO_PERIODS).toContain(period);
      async function* input() {
        yield Buffer.from(csv, "utf8");
      }
      const report = await validateCsv(input(), { datasetId: "troubled-families", period });
      expect(report.errors, `${period}`).toEqual([]);
      expect(report.fileErrors).toEqual([]);
      expect(report.status).toBe("valid");
      expect(report.validRows).toBeGreaterThan(50);
    }
  });
});
