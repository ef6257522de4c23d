import "server-only";
import Papa from "papaparse";
import { compileDataset, explainCell, getDataset, isKeyColumn, type DatasetId } from "@/lib/datasets";
import { IdentifierGuard } from "./guard";
import type { IncidentFindings } from "./incident";

export interface RowErrorReport {
  line: number;
  column: string;
  rule: string;
  /** The cell as sent, or null for key columns (pseudonyms are never echoed). */
  value: string | null;
  expected: string;
}

export interface ValidationOutcome {
  fileErrors: { code: string; message: string }[];
  rowsTotal: number;
  rowsValid: number;
  incident: IncidentFindings | null;
}

export interface ValidationHandlers {
  onRow(line: number, row: Record<string, unknown>): Promise<void>;
  onError(e: RowErrorReport): Promise<void>;
  onIncident(): void;
}

/**
 * Interim adapter: buffers the file and validates it with the registry's compiled validators. It is
 * replaced by the streaming validator and identifier guard of lib/ingest/parse and lib/ingest/guard.
 */
export async function runValidation(
  input: AsyncIterable<Uint8Array>,
  ctx: { datasetId: DatasetId; period?: string },
  h: ValidationHandlers,
): Promise<ValidationOutcome> {
  const compiled = compileDataset(ctx.datasetId, { period: ctx.period });
  const def = getDataset(ctx.datasetId);
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let text = "";
  for await (const chunk of input) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: true });
  const [header, ...rows] = parsed.data;
  if (!header) return { fileErrors: [{ code: "empty-file", message: "The file is empty." }], rowsTotal: 0, rowsValid: 0, incident: null };
  const idx = def.columns.map((c) => header.findIndex((h0) => h0.trim().toLowerCase() === c.name));
  const guard = new IdentifierGuard(def.columns.map((c) => ({ name: c.name, kind: c.kind })));
  let valid = 0;
  let line = 1;
  for (const cells of rows) {
    line++;
    const ordered = idx.map((i) => (i < 0 ? "" : (cells[i] ?? "")));
    const res = compiled.validate(ordered);
    const invalid = new Set(res.ok ? [] : res.invalidColumns);
    let flagged = false;
    ordered.forEach((raw, i) => {
      if ((invalid.has(i) || guard.checksValid[i]) && guard.inspect(i, raw, line, !invalid.has(i)) !== null) flagged = true;
    });
    if (flagged) {
      h.onIncident();
      continue;
    }
    if (res.ok) {
      valid++;
      await h.onRow(line, res.row);
    } else {
      for (const i of res.invalidColumns) {
        const col = def.columns[i]!;
        const f = explainCell(col, ordered[i]!);
        await h.onError({ line, column: col.name, rule: f.rule, value: isKeyColumn(col) ? null : ordered[i]!, expected: f.expected });
      }
      for (const x of res.crossField) await h.onError({ line, column: x.column, rule: x.rule, value: null, expected: x.expected });
    }
  }
  const findings = guard.findings();
  const incident = findings.length === 0 ? null : { rules: Object.fromEntries(findings.map((f) => [f.rule, 0])), cellCount: guard.cellsFlagged };
  for (const f of findings) incident!.rules[f.rule]! += f.cells;
  return { fileErrors: [], rowsTotal: rows.length, rowsValid: valid, incident };
}
