import "server-only";
import fs from "node:fs";
import readline from "node:readline";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";

export const OUTPUT_AREA_COLUMNS = ["address_key", "oa_code", "ward_name"] as const;

export class GeographyFileError extends Error {
  name = "GeographyFileError";
}

async function header(file: string): Promise<string[]> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line
      .replace(/^\uFEFF/, "")
      .split(",")
      .map((h) => h.trim().toLowerCase());
  }
  return [];
}

/**
 * Loads the address → output area lookup (a CSV of address_key, oa_code, ward_name, as the county
 * council would supply it, keyed with the partners' salt) in the system context, in one
 * transaction. A new file adds and corrects addresses; an address it does not list keeps its area,
 * since homes are not demolished by omission. Keys are stored in lowercase, as the partner tables are.
 */
export async function loadOutputAreas(file: string, actorLabel = "system:geography"): Promise<{ rows: number }> {
  const cols = await header(file);
  if (cols.join(",") !== OUTPUT_AREA_COLUMNS.join(",")) {
    throw new GeographyFileError(`The output-area lookup must have the columns ${OUTPUT_AREA_COLUMNS.join(", ")}; found ${cols.join(", ")}.`);
  }
  return withContextClient({ kind: "system", purpose: "geography-load" }, async (c) => {
    await c.query("CREATE TEMP TABLE geo_stage (address_key text, oa_code text, ward_name text) ON COMMIT DROP");
    await pipeline(
      fs.createReadStream(file),
      c.query(copyFrom("COPY geo_stage (address_key, oa_code, ward_name) FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')")),
    );
    const bad = await c.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM geo_stage WHERE address_key !~ '^[0-9A-Fa-f]{64}$' OR coalesce(oa_code, '') = '' OR coalesce(ward_name, '') = ''",
    );
    if (bad.rows[0]!.n > 0)
      throw new GeographyFileError(`${bad.rows[0]!.n} row(s) of the output-area lookup are not a pseudonymised key with an output area and ward.`);
    const res = await c.query(
      `INSERT INTO geo_address_area (address_key, oa_code, ward_name)
       SELECT DISTINCT ON (lower(address_key)) lower(address_key), oa_code, ward_name FROM geo_stage ORDER BY lower(address_key), oa_code
       ON CONFLICT (address_key) DO UPDATE SET oa_code = EXCLUDED.oa_code, ward_name = EXCLUDED.ward_name, loaded_at = now()`,
    );
    await recordAudit(c, {
      action: "geography.load_output_areas",
      outcome: "success",
      actor: { label: actorLabel },
      details: { rows: res.rowCount ?? 0 },
    });
    return { rows: res.rowCount ?? 0 };
  });
}
