import "server-only";
import type pg from "pg";
import type { UnitContext } from "@/lib/db/tenant";
import { vangeRunPublication, type LiveRun } from "@/lib/dashboards/service";
import { baseDomains, displayTable, structuralZeros, viewKey, type Layout } from "@/lib/dashboards/vange";
import {
  isDisclosureError,
  protectPublication,
  type CellValue,
  type DimensionValue,
  type PriorTable,
  type ProtectedCell,
  type ProtectedTable,
  type PublicationRequest,
  type TableSpec,
  type UnitCell,
} from "@/lib/disclosure";
import { ReleaseError } from "./errors";
import type { CheckReport, OutputCheck, OutputDefinition } from "./types";

export function releaseLabel(n: number): string {
  return `R-${String(n).padStart(4, "0")}`;
}

/** The run a request rests on, with its agreement's threshold. */
export async function runOf(db: pg.ClientBase, runId: string): Promise<LiveRun & { live: boolean }> {
  const { rows } = await db.query<{ id: string; version: number; finished_at: Date | null; agreement_id: string; threshold: number; live: boolean }>(
    `SELECT r.id, r.version, r.finished_at, a.id AS agreement_id, a.suppression_threshold AS threshold,
            EXISTS (SELECT 1 FROM matching_live l WHERE l.run_id = r.id) AS live
     FROM matching_run r JOIN agreement a ON a.id = r.agreement_id WHERE r.id = $1`,
    [runId],
  );
  const r = rows[0];
  if (!r) throw new ReleaseError("not-found", "The matching run of this request no longer exists.");
  return { id: r.id, version: r.version, finishedAt: r.finished_at, agreementId: r.agreement_id, threshold: r.threshold, live: r.live };
}

export function describeFilters(f: { year: number | null; district: string | null }): string {
  return `${f.year === null ? "all years" : String(f.year)}, ${f.district === null ? "all districts" : `district ${f.district}`}`;
}

/** The table of the dashboard a definition names, or a clear refusal. */
export function layoutFor(layouts: readonly Layout[], def: OutputDefinition): Layout {
  const id = `${viewKey({ year: def.year, district: def.district })}:${def.table}`;
  const layout = layouts.find((l) => l.spec.id === id);
  if (!layout) {
    throw new ReleaseError("unknown-output", `The dashboard has no table "${def.table}" for ${describeFilters(def)} in this matching run.`);
  }
  return layout;
}

function same(a: DimensionValue, b: DimensionValue | null | undefined): boolean {
  return a === b;
}

/** The true count of a cell's group (for the zero-cell figure; never shown as a value). */
function trueCount(cells: readonly UnitCell[], spec: TableSpec, key: Readonly<Record<string, DimensionValue | null>>, numerator: boolean): number {
  const conditions: [string, readonly DimensionValue[]][] = [];
  for (const [d, w] of Object.entries(spec.filter ?? {})) conditions.push([d, Array.isArray(w) ? (w as DimensionValue[]) : [w as DimensionValue]]);
  for (const [d, v] of Object.entries(key)) if (v !== null) conditions.push([d, [v]]);
  if (numerator && spec.measure.kind === "percentage") {
    for (const [d, w] of Object.entries(spec.measure.numerator))
      conditions.push([d, Array.isArray(w) ? (w as DimensionValue[]) : [w as DimensionValue]]);
  }
  let n = 0;
  for (const c of cells) if (conditions.every(([d, ws]) => ws.some((w) => same(w, c.values[d])))) n += c.count;
  return n;
}

const published = (v: CellValue | undefined): number | null => (v && !v.suppressed && v.value !== null ? v.value : null);

function cellLabel(cell: ProtectedCell): string {
  const parts = Object.entries(cell.key).map(([d, v]) => `${d} ${v === null ? "total" : String(v)}`);
  return parts.length ? parts.join(", ") : "whole table";
}

function checkOutput(
  outputId: string,
  def: OutputDefinition,
  layout: Layout,
  spec: TableSpec,
  table: ProtectedTable,
  cells: readonly UnitCell[],
): OutputCheck {
  let primary = 0;
  let secondary = 0;
  let pct = 0;
  let zero = 0;
  let smallest: number | null = null;
  const near: string[] = [];
  let forced = 0;
  const forcedBy = new Set<string>();
  const t = table.threshold;
  for (const cell of table.cells) {
    const parts: [CellValue | undefined, boolean][] =
      table.measure === "count"
        ? [[cell.value, false]]
        : [
            [cell.numerator, true],
            [cell.denominator, false],
          ];
    for (const [v, isNumerator] of parts) {
      if (!v) continue;
      if (v.suppressed) {
        if (v.reason === "primary") primary++;
        else secondary++;
      }
      if (v.suppressed || v.value !== null) if (trueCount(cells, spec, cell.key, isNumerator) === 0) zero++;
    }
    if (table.measure === "percentage" && cell.value.suppressed) pct++;
    const d = table.measure === "percentage" ? published(cell.denominator) : published(cell.value);
    if (d !== null && (smallest === null || d < smallest)) smallest = d;
    const n = published(cell.numerator);
    if (table.measure === "percentage" && n !== null && d !== null && (n <= 2 * t || d - n <= 2 * t)) near.push(cellLabel(cell));
    if (cell.forcedBy?.length) {
      forced++;
      for (const s of cell.forcedBy) forcedBy.add(s);
    }
  }
  return {
    outputId,
    table: def.table,
    title: layout.title,
    filters: { year: def.year, district: def.district },
    threshold: t,
    cells: table.cells.length,
    suppressedPrimary: primary,
    suppressedSecondary: secondary,
    suppressedPercentage: pct,
    zeroCells: zero,
    smallestPublishedDenominator: smallest,
    nearExtremePercentages: near,
    forcedByEarlierReleases: forced,
    forcedBy: [...forcedBy].sort(),
  };
}

/**
 * The automatic check of a request: its outputs protected as one publication jointly with every
 * table released before from the same run (withdrawn releases included: what was out stays out),
 * never showing a value the dashboard hides, and the report the approver reads beside them.
 */
export async function computeCheck(
  db: pg.ClientBase,
  ctx: UnitContext,
  runId: string,
  outputs: readonly (OutputDefinition & { id: string })[],
): Promise<CheckReport> {
  const run = await runOf(db, runId);
  const dashboard = await vangeRunPublication(ctx, run);
  const layouts = outputs.map((o) => layoutFor(dashboard.layouts, o));
  const specs: TableSpec[] = layouts.map((l, i) => ({ ...l.spec, id: (outputs[i] as { id: string }).id }));

  // The dashboard's pattern is the floor: a release never shows what the dashboard withholds.
  const byId = new Map(dashboard.publication.tables.map((t) => [t.id, t]));
  const keepSuppressed: NonNullable<PublicationRequest["keepSuppressed"]>[number][] = [];
  layouts.forEach((l, i) => {
    const table = byId.get(l.spec.id) as ProtectedTable;
    const id = (specs[i] as TableSpec).id;
    for (const cell of table.cells) {
      if (table.measure === "count") {
        if (cell.value.suppressed) keepSuppressed.push({ table: id, key: cell.key, part: "count" });
        continue;
      }
      if (cell.denominator?.suppressed) keepSuppressed.push({ table: id, key: cell.key, part: "denominator" });
      if (cell.numerator?.suppressed) keepSuppressed.push({ table: id, key: cell.key, part: "numerator" });
    }
  });

  const { rows: priorRows } = await db.query<{ number: number; table_spec: TableSpec; protected_table: ProtectedTable }>(
    `SELECT l.number, f.table_spec, f.protected_table FROM release_file f JOIN release l ON l.id = f.release_id
     WHERE l.run_id = $1 AND f.kind = 'table' ORDER BY l.number, f.position`,
    [runId],
  );
  const { rows: otherRows } = await db.query<{ number: number; version: number }>(
    `SELECT l.number, r.version FROM release l JOIN matching_run r ON r.id = l.run_id
     WHERE l.agreement_id = $1 AND l.run_id <> $2 ORDER BY l.number`,
    [run.agreementId, runId],
  );
  const prior: PriorTable[] = priorRows.map((r) => ({ source: releaseLabel(r.number), spec: r.table_spec, cells: r.protected_table.cells }));

  let publication;
  try {
    publication = protectPublication({
      threshold: run.threshold,
      base: { dimensions: baseDomains(dashboard.domains), cells: dashboard.cells, structuralZeros: structuralZeros(dashboard.domains) },
      tables: specs,
      prior,
      keepSuppressed,
    });
  } catch (e) {
    if (isDisclosureError(e)) {
      throw new ReleaseError(
        "invalid-input",
        `The disclosure check could not certify these outputs (${e.message}). Remove the last output added and try again.`,
      );
    }
    throw e;
  }

  const { rows: batchRows } = await db.query<{ dataset_title: string; organisation: string; batch_id: string; loaded_at: Date | null }>(
    `SELECT DISTINCT d.title AS dataset_title, o.name AS organisation, s.batch_id, s.batch_loaded_at AS loaded_at
     FROM matching_run_dataset s JOIN dataset d ON d.id = s.dataset_id JOIN organisation o ON o.id = s.org_id
     WHERE s.run_id = $1 ORDER BY 1, 2`,
    [runId],
  );

  const checks = outputs.map((o, i) =>
    checkOutput(o.id, o, layouts[i] as Layout, specs[i] as TableSpec, publication.tables[i] as ProtectedTable, dashboard.cells),
  );
  return {
    computedAt: new Date().toISOString(),
    threshold: run.threshold,
    run: { id: run.id, version: run.version, finishedAt: run.finishedAt?.toISOString() ?? null },
    dataPeriod: dataPeriod(outputs.flatMap((o) => (o.year === null ? dashboard.domains.year : [o.year]))),
    batches: batchRows.map((b) => ({
      datasetTitle: b.dataset_title,
      organisation: b.organisation,
      batchId: b.batch_id,
      loadedAt: b.loaded_at?.toISOString() ?? null,
    })),
    outputs: checks,
    crossRelease: {
      earlierReleases: [...new Set(prior.map((p) => p.source))],
      forced: publication.crossRelease?.forced ?? 0,
      forcedBy: [...(publication.crossRelease?.sources ?? [])],
      exposedByEarlier: publication.crossRelease?.exposed ?? 0,
      otherRuns: otherRows.map((r) => `${releaseLabel(r.number)} (matching run ${r.version})`),
    },
    rendered: outputs.map((o, i) => ({
      outputId: o.id,
      display: { ...displayTable(layouts[i] as Layout, publication.tables[i] as ProtectedTable), id: o.table },
      spec: specs[i] as TableSpec,
      table: publication.tables[i] as ProtectedTable,
    })),
  };
}

function dataPeriod(years: readonly number[]): string {
  const set = [...new Set(years)].sort((a, b) => a - b);
  if (set.length === 0) return "No assessment year";
  if (set.length === 1) return `Assessment year ${set[0]}`;
  const contiguous = set.every((y, i) => i === 0 || y === (set[i - 1] as number) + 1);
  return contiguous ? `Assessment years ${set[0]}–${set[set.length - 1]}` : `Assessment years ${set.join(", ")}`;
}

/** Whether two reports release the same numbers (the time they were computed aside). */
export function sameRelease(a: CheckReport, b: CheckReport): boolean {
  return canonical(a.rendered.map((r) => r.table)) === canonical(b.rendered.map((r) => r.table));
}

/** JSON with object keys sorted: a stored report comes back from jsonb with its keys reordered. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
