import { afterAll, describe, expect, it } from "vitest";
import { from as copyFrom } from "pg-copy-streams";
import { DATASET_IDS, getDataset, sqlColumns, sqlTableName, type DatasetId } from "@/lib/datasets";
import { copyLine } from "@/lib/datasets/testing/copy-line";
import { headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { validateCsvStream } from "@/lib/ingest/parse";
import { createSupplierOrganisation } from "../factories";
import { bytesOf, ingest, makeTempDataDir } from "./helpers";

makeTempDataDir();
afterAll(closeDatabase);

const PERIOD = "2016-H1";
const ROWS = 400;

/**
 * Other spellings the validator accepts for the same value, on every other row: keys in
 * capitals, flags as words, numbers with leading zeros or a dropped trailing zero. The
 * pipeline's COPY lines are built from these cells, not from the normalised values.
 */
function respelled(id: DatasetId, row: number): string[] {
  const cells = sampleRowCells(id, row, { period: PERIOD });
  if (row % 2 === 0) return cells;
  const flags = { Y: ["yes", "TRUE", "1", "y"], N: ["no", "False", "0", "n"] } as const;
  return getDataset(id).columns.map((c, i) => {
    const cell = cells[i]!;
    if (cell === "") return cell;
    switch (c.kind) {
      case "key":
        return cell.toUpperCase();
      case "flag":
        return flags[cell as "Y" | "N"][(row >> 1) % 4]!;
      case "money":
      case "number":
        return row % 4 === 1 ? `00${cell}` : cell.replace(/(\.\d+)0$/, "$1");
      case "int":
        return `0${cell}`;
      default:
        return cell;
    }
  });
}

function fileOf(id: DatasetId): string {
  const lines = [headerLine(id)];
  for (let r = 0; r < ROWS; r++) lines.push(respelled(id, r).join(","));
  return lines.join("\n") + "\n";
}

describe("rows loaded from the validator's COPY lines", () => {
  it.each(DATASET_IDS)("%s: the same stored values as COPYing the normalised rows", async (id) => {
    const period = getDataset(id).needsPeriod ? PERIOD : undefined;
    const body = fileOf(id);
    const org = await createSupplierOrganisation();
    const result = await ingest(org.id, id, body, { period });
    expect(result).toMatchObject({ status: "loaded", rowsLoaded: ROWS });

    // The reference: the normalised rows through the registry's formatter, as loaded before.
    const reference: string[] = [];
    const run = validateCsvStream(bytesOf(body), { datasetId: id, period });
    for await (const batch of run) batch.rows.forEach((row, i) => reference.push(`${batch.lines[i]}\t${copyLine(id, row)}`));
    expect((await run.report).status).toBe("valid");

    const columns = sqlColumns(id);
    const asText = `line_no::text, ${columns.map((c) => `${c.quotedName}::text`).join(", ")}`;
    const [loaded, expected] = await withContextClient({ kind: "org", orgId: org.id }, async (c) => {
      const stored = await c.query({
        text: `SELECT ${asText} FROM ${sqlTableName(id)} WHERE batch_id = $1 ORDER BY line_no`,
        values: [result.batchId],
        rowMode: "array",
      });
      await c.query(
        `CREATE TEMP TABLE copy_reference (line_no integer, ${columns.map((col) => `${col.quotedName} ${col.type}`).join(", ")}) ON COMMIT DROP`,
      );
      const copy = c.query(copyFrom(`COPY copy_reference FROM STDIN (FORMAT text)`));
      await new Promise<void>((resolve, reject) => {
        copy.on("finish", () => resolve());
        copy.on("error", reject);
        copy.end(reference.join(""));
      });
      const ref = await c.query({ text: `SELECT ${asText} FROM copy_reference ORDER BY line_no`, rowMode: "array" });
      return [stored.rows, ref.rows];
    });
    expect(loaded).toHaveLength(ROWS);
    expect(loaded).toEqual(expected);
  });
});
