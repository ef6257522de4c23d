import "server-only";
import { type ColumnDef } from "@/lib/datasets/columns";
import { ELG_GLD_COLUMNS } from "@/lib/datasets/eyfsp";
import { getDataset, type DatasetId } from "@/lib/datasets/registry";

/*
 * Deterministic generator of valid extracts of any size, for streaming, memory and
 * throughput tests. It avoids fast-check and crypto on purpose: producing 200 MB must
 * cost much less than validating it, or the measurements would measure the generator.
 */

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const HEX = "0123456789abcdef";
const POOL = Array.from({ length: 8192 }, (_, i) => HEX[mix(i + 1) & 15]).join("");

/** A 64-hex pseudonym unique per (row, salt): the first 8 hex digits encode the row. */
export function fakeDigest(row: number, salt = 0): string {
  const h = mix(row * 31 + salt);
  return ((row ^ (salt * 0x9e3779b1)) >>> 0).toString(16).padStart(8, "0") + POOL.substr(h % 8000, 56);
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function cell(column: ColumnDef, row: number, index: number, keySalt: number): string {
  const h = mix(row * 131 + index);
  switch (column.kind) {
    case "key":
      return fakeDigest(row, keySalt);
    case "flag":
      return h & 1 ? "Y" : "N";
    case "money":
      if (column.optional && (h & 7) === 0) return "";
      return `${h % 900}.${pad2(h % 100)}`;
    case "number":
      if (column.optional && (h & 7) === 0) return "";
      return `${h % 100}.${h % 10}`;
    case "int":
      if (column.optional && (h & 7) === 0) return "";
      return String(column.min + (h % Math.min(10, column.max - column.min + 1)));
    case "date":
      return `20${pad2(10 + (h % 6))}-${pad2(1 + (h % 12))}-${pad2(1 + (h % 28))}`;
    case "month":
      return `20${pad2(10 + (h % 3))}-${pad2(1 + (h % 12))}`;
    case "year":
      return String(2014 + (h % 4));
    case "urn":
      return String(100000 + (h % 50000));
    case "elg":
      if (h % 211 === 0) return "A";
      return h % 7 === 0 ? "1" : h % 3 === 0 ? "3" : "2";
    case "enum":
      if (column.optional && (h & 7) === 0) return "";
      return column.values[h % column.values.length]!;
    case "text-code":
      return column.name === "batch_period" ? "" : `DIST-${h % 40}`;
  }
}

export interface GenerateOptions {
  /** Batch period for troubled-families rows. */
  period?: string;
  lineEnding?: "\n" | "\r\n";
  bom?: boolean;
  /** Bytes per yielded chunk. */
  chunkBytes?: number;
}

/** Cells (dataset column order) of the `row`-th valid row; key columns are unique per row. */
export function sampleRowCells(id: DatasetId, row: number, options: GenerateOptions = {}): string[] {
  const def = getDataset(id);
  let keySalt = 0;
  const cells = def.columns.map((c, i) => cell(c, row, i, c.kind === "key" ? keySalt++ : 0));
  const at = (name: string) => def.columns.findIndex((c) => c.name === name);
  const set = (name: string, value: string) => {
    cells[at(name)] = value;
  };
  const get = (name: string) => cells[at(name)]!;
  switch (id) {
    case "housing-benefits":
      for (const [net, gross] of [
        ["employment_income_net_weekly", "employment_income_gross_weekly"],
        ["self_employment_income_net_weekly", "self_employment_income_gross_weekly"],
      ] as const) {
        if (get(gross) !== "" && get(net) !== "") set(net, (Number(get(gross)) * 0.8).toFixed(2));
      }
      break;
    case "social-care":
      if (row % 3 === 0) set("end_date", "");
      else set("end_date", "2019-12-31");
      break;
    case "school-readiness": {
      const scores = ELG_GLD_COLUMNS.map(get);
      set("school_ready", scores.includes("A") ? "" : scores.every((s) => s === "2" || s === "3") ? "Y" : "N");
      break;
    }
    case "police-crime":
      set("asb_risk_category", get("asb_address") === "Y" ? "medium" : "");
      set("dv_risk_category", get("dv_victim_address") === "Y" ? "high" : "");
      break;
    case "troubled-families": {
      const period = options.period ?? "2016-H1";
      set("batch_period", period);
      // Valid rows meet at least two criteria and are attached within the agreement and the period.
      set("crit_crime_asb", "Y");
      if (get("crit_education") === "N" && get("crit_health") === "N") set("crit_health", "Y");
      const year = Math.max(2015, Math.min(Number(period.slice(0, 4)) - (row % 2), Number(period.slice(0, 4))));
      set("attached_date", `${year}-${pad2(1 + (row % 6))}-${pad2(1 + (row % 28))}`);
      break;
    }
  }
  return cells;
}

/** The header line (no BOM) of a dataset, columns in specification order. */
export function headerLine(id: DatasetId): string {
  return getDataset(id)
    .columns.map((c) => c.name)
    .join(",");
}

/** A valid CSV extract of `rows` rows, produced lazily in chunks of about `chunkBytes`. */
export async function* generateCsv(id: DatasetId, rows: number, options: GenerateOptions = {}): AsyncGenerator<Buffer> {
  const eol = options.lineEnding ?? "\n";
  const chunkBytes = options.chunkBytes ?? 65_536;
  let text = (options.bom ? "\uFEFF" : "") + headerLine(id) + eol;
  for (let i = 0; i < rows; i++) {
    text += sampleRowCells(id, i, options).join(",") + eol;
    if (text.length >= chunkBytes) {
      yield Buffer.from(text, "utf8");
      text = "";
    }
  }
  if (text.length > 0) yield Buffer.from(text, "utf8");
}
