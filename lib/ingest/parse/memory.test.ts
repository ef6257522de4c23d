import { describe, expect, it } from "vitest";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { generateCsv } from "@/lib/datasets/testing/generate";
import { validateCsvStream } from "@/lib/ingest/parse";

// A forced collection before each sample measures what is retained, not garbage
// that happens not to have been collected yet.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Retained memory: JS heap plus typed-array / Buffer backing stores (off-heap). */
function retained(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

const MB = 1024 * 1024;

describe("memory stays bounded while streaming", () => {
  it("validates a 200 MB housing-benefits file (the worst case: address_key uniqueness) with < 100 MB growth", async () => {
    // ~155 bytes a row: 1.36M rows is just over 200 MB.
    const rows = 1_360_000;
    const baseline = retained();
    let peak = 0;
    let batches = 0;
    let bytes = 0;
    async function* counted() {
      for await (const chunk of generateCsv("housing-benefits", rows)) {
        bytes += chunk.length;
        yield chunk;
      }
    }
    const run = validateCsvStream(counted(), { datasetId: "housing-benefits" });
    for await (const batch of run) {
      expect(batch.rows.length).toBeGreaterThan(0);
      if (++batches % 400 === 0) peak = Math.max(peak, retained() - baseline);
    }
    const report = await run.report;
    peak = Math.max(peak, retained() - baseline);
    expect(report.status).toBe("valid");
    expect(report.validRows).toBe(rows);
    expect(bytes).toBeGreaterThan(200 * 1000 * 1000);
    expect(peak).toBeLessThan(100 * MB);
    console.log(`housing-benefits: ${(bytes / 1e6).toFixed(0)} MB read, peak retained growth ${(peak / MB).toFixed(1)} MiB`);
  }, 300_000);

  it("without a uniqueness rule, memory does not grow with the file at all", async () => {
    const rows = 1_000_000;
    const baseline = retained();
    let peak = 0;
    let batches = 0;
    const run = validateCsvStream(generateCsv("police-crime", rows), { datasetId: "police-crime" });
    for await (const _batch of run) {
      if (++batches % 400 === 0) peak = Math.max(peak, retained() - baseline);
    }
    expect((await run.report).validRows).toBe(rows);
    expect(peak).toBeLessThan(16 * MB);
    console.log(`police-crime: peak retained growth ${(peak / MB).toFixed(1)} MiB`);
  }, 300_000);
});
