import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateCsv, type GenerateOptions } from "@/lib/datasets/testing/generate";
import type { DatasetId } from "@/lib/datasets";
import { withContextClient } from "@/lib/db/tenant";
import { ingestFile, type IngestRequest } from "@/lib/ingest/pipeline";

/** A private data folder per test file, so stored files of parallel test files never mix. */
export function makeTempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-ingest-"));
  process.env.PORTAL_DATA_DIR = dir;
  return dir;
}

export async function* bytesOf(text: string | Buffer, chunk = 7_919): AsyncGenerator<Buffer> {
  const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  for (let i = 0; i < buf.length; i += chunk) yield buf.subarray(i, i + chunk);
}

export async function csvText(id: DatasetId, rows: number, options: GenerateOptions = {}): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of generateCsv(id, rows, options)) parts.push(c);
  return Buffer.concat(parts);
}

export function ingest(orgId: string, datasetId: DatasetId, body: string | Buffer, over: Partial<IngestRequest> = {}) {
  return ingestFile({
    orgId,
    datasetId,
    source: "cli",
    originalFilename: `${datasetId}.csv`,
    loadValidRows: false,
    actor: { label: "test" },
    input: bytesOf(body),
    ...over,
  });
}

/** Rows of a batch visible to the owning organisation. */
export async function rowsOfBatch(orgId: string, table: string, batchId: string): Promise<number> {
  return withContextClient({ kind: "org", orgId }, async (c) => {
    const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE batch_id = $1`, [batchId]);
    return r.rows[0]!.n;
  });
}

/** Every file under the data folder, including hidden partial files. */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out;
}
