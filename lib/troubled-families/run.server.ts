import "server-only";
import type pg from "pg";
import { withContextClient } from "@/lib/db/tenant";
import { auditInMatchingTransaction } from "@/lib/matching/audit";
import { assemblePopulation } from "./population";
import { DEFAULT_ESTIMATE_RULES, type EstimateRules } from "./publish";
import { evaluateScopes } from "./scopes";
import { TF_AGE_BANDS, type TfAgeBand, type TfPerson } from "./types";

/** The agreement whose runs are evaluations, and the dataset they read. */
export const TF_AGREEMENT = "troubled-families";
export const TF_DATASET = "troubled-families";

export interface TfRunOutcome {
  runId: string;
  version: number;
  live: boolean;
  people: number;
  scopes: number;
}

type Progress = (percent: number, stage: string) => Promise<void>;

/** Every loaded batch of the agreement's troubled-families suppliers (each council's periods). */
export async function tfLiveBatches(db: pg.ClientBase, agreementId: string): Promise<{ id: string; orgId: string; period: string | null }[]> {
  const { rows } = await db.query<{ id: string; org_id: string; period: string | null }>(
    `SELECT b.id, b.org_id, b.period
     FROM upload_batch b
     JOIN agreement_dataset ad ON ad.agreement_id = $1 AND ad.dataset_id = b.dataset_id AND ad.supplier_org_id = b.org_id
     WHERE b.status = 'loaded' AND b.dataset_id = $2
     ORDER BY b.org_id, b.period, b.id`,
    [agreementId, TF_DATASET],
  );
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, period: r.period }));
}

// Arrays, not objects, per row: a run reads hundreds of thousands of people.
const ROWS_SQL = `
SELECT t.org_id, t.family_key, t.person_key, t.batch_period, t."group", t.age_band,
       t.crit_crime_asb, t.crit_education, t.crit_children_in_need, t.crit_worklessness, t.crit_domestic_abuse, t.crit_health,
       t.offences_before, t.offences_after, t.asb_incidents_before, t.asb_incidents_after, t.dv_incidents_before, t.dv_incidents_after,
       t.absence_rate_before::float8, t.absence_rate_after::float8, t.out_of_work_benefits_before, t.out_of_work_benefits_after
FROM ds_troubled_families t
WHERE t.batch_id = ANY ($1::uuid[])
ORDER BY t.batch_id, t.line_no`;

type Row = [
  string, string, string, string, string, string,
  boolean, boolean, boolean, boolean, boolean, boolean,
  number, number, number, number, number, number,
  number | null, number | null, boolean, boolean,
];

const BANDS = new Set<string>(TF_AGE_BANDS);

function personOf(r: Row): TfPerson {
  return {
    council: r[0],
    familyKey: r[1],
    personKey: r[2],
    cohort: r[3],
    group: r[4] === "treatment" ? "treatment" : "comparison",
    ageBand: (BANDS.has(r[5]) ? r[5] : "25-49") as TfAgeBand,
    criteria: [r[6], r[7], r[8], r[9], r[10], r[11]],
    outcomes: {
      offences: { before: r[12], after: r[13] },
      asb_incidents: { before: r[14], after: r[15] },
      dv_incidents: { before: r[16], after: r[17] },
      absence_rate: r[18] === null || r[19] === null ? null : { before: r[18], after: r[19] },
      out_of_work_benefits: { before: r[20] ? 1 : 0, after: r[21] ? 1 : 0 },
    },
  };
}

/**
 * A run of the Troubled Families agreement: reads every live batch of every council, evaluates
 * each council and all councils, each cohort and the cohorts pooled (scopes.ts), and stores only
 * the published, disclosure-controlled results, then makes the run live, all in one transaction
 * so readers see the previous run's results until this one is complete. Same run table, queue,
 * retries and progress as the pilot's matching runs (lib/matching/jobs.ts).
 */
export async function computeTfRun(runId: string, progress: Progress, rules: Partial<EstimateRules> = {}): Promise<TfRunOutcome> {
  return withContextClient({ kind: "matching", requestId: `matching-run:${runId}` }, async (db) => {
    const run = (
      await db.query<{ version: number; agreement_id: string; threshold: number }>(
        `SELECT r.version, r.agreement_id, a.suppression_threshold AS threshold
         FROM matching_run r JOIN agreement a ON a.id = r.agreement_id WHERE r.id = $1`,
        [runId],
      )
    ).rows[0];
    if (!run) throw new Error(`matching run ${runId} does not exist`);

    await progress(10, "Reading the councils' Troubled Families batches");
    const batches = await tfLiveBatches(db, run.agreement_id);
    const { rows } = await db.query<Row>({ text: ROWS_SQL, values: [batches.map((b) => b.id)], rowMode: "array" });

    await progress(40, "Choosing each family's cohort and group");
    const population = assemblePopulation(rows.map(personOf));
    rows.length = 0;

    await progress(50, "Matching comparison families and estimating, per council and cohort");
    const results = evaluateScopes(population.persons, {
      ...DEFAULT_ESTIMATE_RULES,
      countThreshold: run.threshold,
      ...rules,
    });

    await progress(90, "Recording the published results and making the run live");
    for (const r of results) {
      await db.query(
        `INSERT INTO tf_evaluation_result (run_id, scope_org_id, scope, cohort, published, summary)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          runId,
          r.scope === "all" ? null : r.scope,
          r.scope,
          r.cohort,
          JSON.stringify(r.published),
          JSON.stringify({ batches: batches.filter((b) => r.scope === "all" || b.orgId === r.scope).map((b) => b.id) }),
        ],
      );
    }
    await db.query(
      `UPDATE matching_run SET status = 'succeeded', progress = 100, stage = 'Finished', error = NULL, finished_at = now(),
         batch_ids = $2::uuid[], children = NULL WHERE id = $1`,
      [runId, batches.map((b) => b.id)],
    );
    // A run that finishes after a newer one already went live must not push it back out.
    const switched = await db.query(
      `INSERT INTO matching_live AS l (agreement_id, run_id, switched_at) VALUES ($1, $2, now())
       ON CONFLICT (agreement_id) DO UPDATE SET run_id = EXCLUDED.run_id, switched_at = now()
       WHERE (SELECT version FROM matching_run WHERE id = l.run_id) < $3`,
      [run.agreement_id, runId, run.version],
    );
    const live = (switched.rowCount ?? 0) > 0;
    await auditInMatchingTransaction(db, {
      action: "matching.run",
      outcome: "success",
      actor: { label: "system:matching" },
      target: { type: "matching_run", id: runId },
      details: { version: run.version, evaluation: TF_AGREEMENT, batches: batches.length, scopes: results.length, live },
    });
    return { runId, version: run.version, live, people: population.persons.length, scopes: results.length };
  });
}
