import "server-only";
import { protectPublication, formatValue, tableNote, type UnitCell } from "@/lib/disclosure";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import { PILOT_AGREEMENT } from "./sources";

export interface MatchRateRow {
  dataset: string;
  partner: string;
  keyColumn: string;
  loadedAt: Date | null;
  rows: string;
  keys: string;
  matched: string;
  rate: string;
}

export interface KeyWarning {
  dataset: string;
  keyColumn: string;
  kind: string;
  detail: string;
}

export interface RunHistoryRow {
  id: string;
  version: number;
  status: string;
  trigger: string;
  progress: number;
  stage: string;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  live: boolean;
}

export interface MatchRates {
  threshold: number;
  runVersion: number | null;
  runFinishedAt: Date | null;
  rates: MatchRateRow[];
  note: string | null;
  warnings: KeyWarning[];
  history: RunHistoryRow[];
}

const KEY_LABEL: Record<string, string> = { address_key: "Household (address key)", person_key: "Person (person key)" };

/**
 * Match rates of the live run as the caller's context may see them (RLS: a partner sees only its
 * own datasets, researchers all). Counts go through the disclosure engine like every other output:
 * keys matched and not matched per dataset are one publication, rows loaded another.
 */
export async function matchRates(ctx: UnitContext, agreementSlug = PILOT_AGREEMENT): Promise<MatchRates> {
  return withContextClient(ctx, async (c) => {
    const agreement = (
      await c.query<{ id: string; threshold: number }>("SELECT id, suppression_threshold AS threshold FROM agreement WHERE slug = $1", [
        agreementSlug,
      ])
    ).rows[0];
    if (!agreement) return { threshold: 5, runVersion: null, runFinishedAt: null, rates: [], note: null, warnings: [], history: [] };
    const history = (
      await c.query<{
        id: string;
        version: number;
        status: string;
        trigger: string;
        progress: number;
        stage: string;
        error: string | null;
        created_at: Date;
        finished_at: Date | null;
        live: boolean;
      }>(
        `SELECT r.id, r.version, r.status, r.trigger, r.progress, r.stage, r.error, r.created_at, r.finished_at,
                EXISTS (SELECT 1 FROM matching_live l WHERE l.run_id = r.id) AS live
         FROM matching_run r WHERE r.agreement_id = $1 ORDER BY r.version DESC LIMIT 10`,
        [agreement.id],
      )
    ).rows.map((r) => ({
      id: r.id,
      version: r.version,
      status: r.status,
      trigger: r.trigger,
      progress: r.progress,
      stage: r.stage,
      error: r.error,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      live: r.live,
    }));
    const live = history.find((h) => h.live);
    if (!live) return { threshold: agreement.threshold, runVersion: null, runFinishedAt: null, rates: [], note: null, warnings: [], history };

    const stats = (
      await c.query<{
        dataset_id: string;
        title: string;
        partner: string;
        key_column: string;
        batch_loaded_at: Date | null;
        row_count: number;
        distinct_keys: number;
        matched_keys: number;
      }>(
        `SELECT s.dataset_id, d.title, o.name AS partner, s.key_column, s.batch_loaded_at, s.row_count, s.distinct_keys, s.matched_keys
         FROM matching_run_dataset s JOIN dataset d ON d.id = s.dataset_id JOIN organisation o ON o.id = s.org_id
         WHERE s.run_id = $1 ORDER BY d.title, o.name, s.key_column`,
        [live.id],
      )
    ).rows;
    const source = (s: (typeof stats)[number]) => `${s.dataset_id}|${s.partner}|${s.key_column}`;
    const sources = stats.map(source);
    const keyCells: UnitCell[] = stats.flatMap((s) => [
      { values: { source: source(s), matched: true }, count: s.matched_keys },
      { values: { source: source(s), matched: false }, count: s.distinct_keys - s.matched_keys },
    ]);
    const rowCells: UnitCell[] = stats.map((s) => ({ values: { source: source(s) }, count: s.row_count }));
    let rates: MatchRateRow[] = [];
    let note: string | null = null;
    if (stats.length > 0) {
      const keys = protectPublication({
        threshold: agreement.threshold,
        base: { dimensions: { source: sources, matched: [true, false] }, cells: keyCells },
        tables: [{ id: "rates", rows: ["source"], measure: { kind: "percentage", numerator: { matched: true } } }],
      }).tables[0]!;
      const rows = protectPublication({
        threshold: agreement.threshold,
        base: { dimensions: { source: sources }, cells: rowCells },
        tables: [{ id: "rows", rows: ["source"], measure: { kind: "count" } }],
      }).tables[0]!;
      note = tableNote(keys, "keys") ?? tableNote(rows, "rows");
      rates = stats.map((s) => {
        const k = keys.cells.find((cell) => cell.key.source === source(s))!;
        const r = rows.cells.find((cell) => cell.key.source === source(s))!;
        return {
          dataset: s.title,
          partner: s.partner,
          keyColumn: KEY_LABEL[s.key_column] ?? s.key_column,
          loadedAt: s.batch_loaded_at,
          rows: formatValue(r.value, "count"),
          keys: formatValue(k.denominator!, "count"),
          matched: formatValue(k.numerator!, "count"),
          rate: formatValue(k.value, "percentage"),
        };
      });
    }
    const warnings = (
      await c.query<{ title: string; key_column: string; kind: string; detail: string }>(
        `SELECT d.title, w.key_column, w.kind, w.detail FROM matching_quality_warning w JOIN dataset d ON d.id = w.dataset_id
         WHERE w.run_id = $1 ORDER BY d.title, w.key_column, w.kind`,
        [live.id],
      )
    ).rows.map((w) => ({ dataset: w.title, keyColumn: KEY_LABEL[w.key_column] ?? w.key_column, kind: w.kind, detail: w.detail }));
    return { threshold: agreement.threshold, runVersion: live.version, runFinishedAt: live.finishedAt, rates, note, warnings, history };
  });
}
