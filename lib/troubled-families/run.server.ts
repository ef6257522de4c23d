import "server-only";
import { StringDecoder } from "node:string_decoder";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { withContextClient } from "@/lib/db/tenant";
import { auditInMatchingTransaction } from "@/lib/matching/audit";
import { switchLive } from "@/lib/matching/run";
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

const { escapeLiteral } = pg;

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

/*
 * The rows leave PostgreSQL as COPY text (one tab-separated line per person), not as a query
 * result: a run reads hundreds of thousands of people, and pg's per-value parsing of a 22-column
 * result cost more than the whole evaluation (measured in bench:tf).
 */
const COPY_SQL = (batchIds: readonly string[]) => `
COPY (
  SELECT t.org_id, t.family_key, t.person_key, t.batch_period, t."group", t.age_band,
         t.crit_crime_asb, t.crit_education, t.crit_children_in_need, t.crit_worklessness, t.crit_domestic_abuse, t.crit_health,
         t.offences_before, t.offences_after, t.asb_incidents_before, t.asb_incidents_after, t.dv_incidents_before, t.dv_incidents_after,
         t.absence_rate_before, t.absence_rate_after, t.out_of_work_benefits_before, t.out_of_work_benefits_after
  FROM ds_troubled_families t
  WHERE t.batch_id IN (${batchIds.map((id) => escapeLiteral(id)).join(", ") || "NULL"})
  ORDER BY t.batch_id, t.line_no
) TO STDOUT`;

const BANDS = new Set<string>(TF_AGE_BANDS);

/** COPY text format: backslash escapes (never in hex keys or codes, but honoured), \N for NULL. */
function unescape(v: string): string {
  if (!v.includes("\\")) return v;
  return v.replace(/\\(.)/g, (_, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c));
}

export function personOfCopyLine(line: string): TfPerson {
  const f = line.split("\t");
  const num = (i: number) => Number(f[i]);
  const bool = (i: number) => f[i] === "t";
  const band = f[5]!;
  const absence = f[18] === "\\N" || f[19] === "\\N" ? null : { before: num(18), after: num(19) };
  return {
    council: f[0]!,
    familyKey: unescape(f[1]!),
    personKey: unescape(f[2]!),
    cohort: f[3]!,
    group: f[4] === "treatment" ? "treatment" : "comparison",
    ageBand: (BANDS.has(band) ? band : "25-49") as TfAgeBand,
    criteria: [bool(6), bool(7), bool(8), bool(9), bool(10), bool(11)],
    outcomes: {
      offences: { before: num(12), after: num(13) },
      asb_incidents: { before: num(14), after: num(15) },
      dv_incidents: { before: num(16), after: num(17) },
      absence_rate: absence,
      out_of_work_benefits: { before: bool(20) ? 1 : 0, after: bool(21) ? 1 : 0 },
    },
  };
}

/** Every person of the batches, streamed out of PostgreSQL with COPY inside the run's transaction. */
async function readPersons(db: pg.ClientBase, batchIds: readonly string[]): Promise<TfPerson[]> {
  const out: TfPerson[] = [];
  const stream = db.query(copyTo(COPY_SQL(batchIds)));
  let rest = "";
  const decoder = new StringDecoder("utf8");
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    const lines = text.split("\n");
    rest = lines.pop()!;
    for (const line of lines) if (line) out.push(personOfCopyLine(line));
  }
  rest += decoder.end();
  if (rest) out.push(personOfCopyLine(rest));
  return out;
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
    const persons = await readPersons(
      db,
      batches.map((b) => b.id),
    );

    await progress(40, "Choosing each family's cohort and group");
    const population = assemblePopulation(persons);

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
    const live = await switchLive(db, { agreementId: run.agreement_id, runId, version: run.version });
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
