import "server-only";
import fs from "node:fs";
import path from "node:path";
import { generateDemoData } from "@/lib/demo";
import { isDatasetId } from "@/lib/datasets";
import { withContext } from "@/lib/db/tenant";
import { ESSEX_PILOT_SUPPLIERS } from "@/lib/demo/organisations";
import { ingestFile } from "./pipeline";

/**
 * First run: generates the synthetic Essex pilot extracts into `<dataDir>/demo` and loads each as
 * the organisation that supplies it, through the same pipeline partners' files take.
 */
export async function loadDemoDataThroughPipeline(opts: { dataDir: string; log: (line: string) => void }): Promise<{ files: number; rows: number }> {
  const outDir = path.join(opts.dataDir, "demo");
  const generated = await generateDemoData({ outDir });
  const slugs = [...new Set(Object.values(ESSEX_PILOT_SUPPLIERS))];
  const orgs = await withContext({ kind: "system", purpose: "demo-load" }, (tx) =>
    tx.organisation.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
  );
  const orgBySlug = new Map(orgs.map((o) => [o.slug, o.id]));
  let files = 0;
  let rows = 0;
  for (const file of generated.files) {
    const slug = ESSEX_PILOT_SUPPLIERS[file.datasetId];
    if (!slug || !isDatasetId(file.datasetId)) continue;
    const orgId = orgBySlug.get(slug);
    if (!orgId) throw new Error(`demo organisation ${slug} is missing: the organisations step must run first`);
    const result = await ingestFile({
      orgId,
      datasetId: file.datasetId,
      source: "demo",
      originalFilename: path.basename(file.path),
      loadValidRows: false,
      actor: { label: "system:first-run" },
      input: fs.createReadStream(file.path, { highWaterMark: 1 << 20 }),
    });
    if (result.status !== "loaded") throw new Error(`the demo file ${path.basename(file.path)} was not loaded: ${result.message}`);
    opts.log(`  ${file.datasetId}: ${result.rowsLoaded} rows loaded as ${slug}`);
    files++;
    rows += result.rowsLoaded;
  }
  return { files, rows };
}
