import "server-only";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";
import type { PublishedEvaluation } from "./publish";
import { TF_AGREEMENT, TF_DATASET } from "./run.server";
import { ALL } from "./scopes";

export interface TfChoice {
  readonly id: string;
  readonly label: string;
}

export interface TfBatch {
  readonly period: string | null;
  readonly status: string;
  readonly loadedAt: Date | null;
  readonly rows: number | null;
}

export type TfView =
  | { readonly state: "no-run"; readonly latest: { version: number; status: string; stage: string; progress: number } | null }
  | {
      readonly state: "ready";
      readonly run: { readonly version: number; readonly finishedAt: Date | null; readonly threshold: number };
      /** The scopes this user may read: all councils (researchers) and each council they may see. */
      readonly scopes: readonly TfChoice[];
      readonly cohorts: readonly string[];
      readonly selected: { readonly scope: string; readonly cohort: string };
      /** Set when the address asked for a scope or cohort that does not exist or is not this user's. */
      readonly ignored: string | null;
      readonly published: PublishedEvaluation;
      readonly latest: { version: number; status: string; stage: string; progress: number } | null;
    };

const PERIOD = /^\d{4}-H[12]$/;

/**
 * The live evaluation as the user may see it: researchers choose any council or all councils; a
 * council's analysts see only their own council's results (row-level security decides, not this
 * code). Unknown or unavailable choices fall back to the first available, and say so.
 */
export async function troubledFamiliesView(ctx: UnitContext, input: { scope?: string; cohort?: string }): Promise<TfView> {
  return withContextClient(ctx, async (c) => {
    const agreement = (
      await c.query<{ id: string; threshold: number }>("SELECT id, suppression_threshold AS threshold FROM agreement WHERE slug = $1", [TF_AGREEMENT])
    ).rows[0];
    const latestRow = agreement
      ? ((
          await c.query<{ version: number; status: string; stage: string; progress: number }>(
            "SELECT version, status, stage, progress FROM matching_run WHERE agreement_id = $1 ORDER BY version DESC LIMIT 1",
            [agreement.id],
          )
        ).rows[0] ?? null)
      : null;
    const live = agreement
      ? (
          await c.query<{ run_id: string; version: number; finished_at: Date | null }>(
            `SELECT l.run_id, r.version, r.finished_at FROM matching_live l JOIN matching_run r ON r.id = l.run_id WHERE l.agreement_id = $1`,
            [agreement.id],
          )
        ).rows[0]
      : undefined;
    if (!agreement || !live) return { state: "no-run", latest: latestRow };

    const available = (
      await c.query<{ scope: string; cohort: string; name: string | null }>(
        `SELECT r.scope, r.cohort, o.name FROM tf_evaluation_result r LEFT JOIN organisation o ON o.id = r.scope_org_id
         WHERE r.run_id = $1 ORDER BY (r.scope <> 'all'), o.name, r.cohort`,
        [live.run_id],
      )
    ).rows;
    if (available.length === 0) return { state: "no-run", latest: latestRow };
    const scopes: TfChoice[] = [];
    for (const r of available) {
      if (!scopes.some((s) => s.id === r.scope)) scopes.push({ id: r.scope, label: r.scope === ALL ? "All councils" : (r.name ?? "A council") });
    }
    const cohorts = [...new Set(available.map((r) => r.cohort).filter((k) => k !== ALL))].sort();

    const ignored: string[] = [];
    let scope = scopes[0]!.id;
    if (input.scope && input.scope !== scope) {
      if (scopes.some((s) => s.id === input.scope)) scope = input.scope;
      else ignored.push("There are no results you may see for the council in the address; showing " + scopes[0]!.label + ".");
    }
    let cohort = ALL;
    if (input.cohort && input.cohort !== ALL) {
      if (PERIOD.test(input.cohort) && available.some((r) => r.scope === scope && r.cohort === input.cohort)) cohort = input.cohort;
      else ignored.push(`There is no cohort “${input.cohort.slice(0, 20)}” for this choice; showing all cohorts pooled.`);
    }
    const row = (
      await c.query<{ published: PublishedEvaluation }>(
        "SELECT published FROM tf_evaluation_result WHERE run_id = $1 AND scope = $2 AND cohort = $3",
        [live.run_id, scope, cohort],
      )
    ).rows[0]!;
    return {
      state: "ready",
      run: { version: live.version, finishedAt: live.finished_at, threshold: agreement.threshold },
      scopes,
      cohorts,
      selected: { scope, cohort },
      ignored: ignored.length ? ignored.join(" ") : null,
      published: row.published,
      latest: latestRow,
    };
  });
}

/** A council's own Troubled Families batches, and the half-year due next (the 6-monthly cadence). */
export async function councilBatches(ctx: UnitContext & { kind: "org" }): Promise<{ batches: TfBatch[]; nextDue: string | null }> {
  return withContextClient(ctx, async (c) => {
    const { rows } = await c.query<{ period: string | null; status: string; completed_at: Date | null; rows_loaded: number | null }>(
      `SELECT period, status, completed_at, rows_loaded FROM upload_batch
       WHERE org_id = $1 AND dataset_id = $2 AND status IN ('loaded', 'superseded', 'withdrawn')
       ORDER BY period DESC NULLS LAST, created_at DESC`,
      [ctx.orgId, TF_DATASET],
    );
    const latest = rows.find((r) => r.status === "loaded" && r.period && PERIOD.test(r.period))?.period ?? null;
    return {
      batches: rows.map((r) => ({ period: r.period, status: r.status, loadedAt: r.completed_at, rows: r.rows_loaded })),
      nextDue: latest ? nextPeriod(latest) : null,
    };
  });
}

/** The half-year after `period` ("2016-H2" → "2017-H1"). */
export function nextPeriod(period: string): string {
  const year = Number(period.slice(0, 4));
  return period.endsWith("H1") ? `${year}-H2` : `${year + 1}-H1`;
}
