import "server-only";
import type pg from "pg";
import { auditInMatchingTransaction } from "./audit";
import { pool } from "@/lib/db/client";
import { setContextOn, withContext, withContextClient } from "@/lib/db/tenant";
import { COHORT_DATASET, COHORT_KEY_CHECKS, LINK_SOURCES, MATCHED_DATASETS, type KeyColumn } from "./sources";
import { errFields, log } from "@/lib/log";
import {
  ANALYZE_COHORT_ADDRESS_SQL,
  ANALYZE_PERSON_KEYS_SQL,
  PERSON_KEYS_SQL,
  REGISTERED_BLANK_DIGESTS_SQL,
  analysisSql,
  caseVariantSql,
  cohortPassSql,
  createWorkTablesSql,
  dropEmptyDigestsSql,
  linkPassSql,
  matchedCountSql,
  type PassCounts,
} from "./sql";

export interface LiveBatch {
  id: string;
  orgId: string;
  datasetId: string;
  completedAt: Date | null;
}

/** The batches a run links: every loaded batch of the agreement's datasets from their named suppliers. */
export async function liveBatches(db: pg.ClientBase, agreementId: string): Promise<LiveBatch[]> {
  const { rows } = await db.query<{ id: string; org_id: string; dataset_id: string; completed_at: Date | null }>(
    `SELECT b.id, b.org_id, b.dataset_id, b.completed_at
     FROM upload_batch b
     JOIN agreement_dataset ad ON ad.agreement_id = $1 AND ad.dataset_id = b.dataset_id AND ad.supplier_org_id = b.org_id
     WHERE b.status = 'loaded' AND b.dataset_id = ANY ($2::text[])
     ORDER BY b.dataset_id, b.created_at, b.id`,
    [agreementId, MATCHED_DATASETS],
  );
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, datasetId: r.dataset_id, completedAt: r.completed_at }));
}

interface DatasetStat {
  datasetId: string;
  orgId: string;
  keyColumn: KeyColumn;
  batchId: string;
  batchLoadedAt: Date | null;
  rowCount: number;
  distinctKeys: number;
  matchedKeys: number;
}

interface Warning {
  datasetId: string;
  orgId: string;
  keyColumn: KeyColumn;
  kind: "frequent-key" | "empty-identifier-digest" | "case-variant";
  affectedKeys: number;
  affectedRows: number;
  detail: string;
}

export interface RunOutcome {
  runId: string;
  version: number;
  children: number;
  live: boolean;
  stats: DatasetStat[];
  warnings: Warning[];
}

type Progress = (percent: number, stage: string) => Promise<void>;

function warningsFor(batch: LiveBatch, keyColumn: KeyColumn, plausible: number, c: PassCounts): Warning[] {
  const out: Warning[] = [];
  const base = { datasetId: batch.datasetId, orgId: batch.orgId, keyColumn };
  if (c.empty_keys > 0) {
    out.push({
      ...base,
      kind: "empty-identifier-digest",
      affectedKeys: c.empty_keys,
      affectedRows: c.empty_rows,
      detail: `${c.empty_rows} row(s) carry a ${keyColumn} that is the digest of blank identifiers (the key hashed with nothing before it); they were not linked. Check for rows whose identifiers were empty at source.`,
    });
  }
  if (c.frequent_keys > 0) {
    out.push({
      ...base,
      kind: "frequent-key",
      affectedKeys: c.frequent_keys,
      affectedRows: c.frequent_rows,
      detail: `${c.frequent_keys} ${keyColumn} value(s) each appear on more than ${plausible} row(s) (${c.frequent_rows} rows in all): check for placeholder or blank identifiers.`,
    });
  }
  return out;
}

async function caseVariants(db: pg.ClientBase, table: string, batch: LiveBatch, keyColumn: KeyColumn, c: PassCounts): Promise<Warning[]> {
  if (c.noncanonical_keys === 0) return [];
  const { rows } = await db.query<{ keys: number; rows: number }>(caseVariantSql(table, keyColumn), [batch.id]);
  const v = rows[0]!;
  if (v.keys === 0) return [];
  return [
    {
      datasetId: batch.datasetId,
      orgId: batch.orgId,
      keyColumn,
      kind: "case-variant",
      affectedKeys: v.keys,
      affectedRows: v.rows,
      detail: `${v.keys} ${keyColumn} value(s) occur in more than one letter case (${v.rows} rows); digests are compared case-insensitively, so these are the same key.`,
    },
  ];
}

/**
 * Computes a run inside one transaction on one connection and, on success, makes it live in that
 * same transaction. Progress is written on other connections so that it is visible while the
 * transaction is still open. Throws on failure, leaving the live run untouched.
 */
export async function computeRun(
  runId: string,
  progress: Progress,
  hooks: { /** Runs inside the transaction, after every write and before COMMIT (failure tests). */ beforeCommit?: () => Promise<void> } = {},
): Promise<RunOutcome> {
  const db = await pool().connect();
  let broken = false;
  // Time spent per stage, logged at LOG_LEVEL=debug (benchmarks, diagnosis).
  const timings: [string, number][] = [];
  let stageStart = performance.now();
  let stageName = "Starting";
  // Progress is written on another connection while the run's statements carry on; the writes
  // are chained so they land in order, and awaited before the run commits.
  let written: Promise<void> = Promise.resolve();
  const mark: Progress = async (percent, stage) => {
    timings.push([stageName, Math.round(performance.now() - stageStart)]);
    stageStart = performance.now();
    stageName = stage;
    written = written
      .then(() => progress(percent, stage))
      .catch((e: unknown) => log({ component: "matching", runId }).error(errFields(e), "progress update failed"));
  };
  try {
    await db.query("BEGIN");
    await setContextOn(db, { kind: "matching", requestId: `matching-run:${runId}` });
    // Hash aggregates over a whole dataset; the default 4 MB would spill them to disk.
    await db.query("SET LOCAL work_mem = '256MB'");
    // JIT compilation of these one-off statements costs more than it saves (seconds of LLVM time).
    await db.query("SET LOCAL jit = off");
    const run = (await db.query<{ version: number; agreement_id: string }>("SELECT version, agreement_id FROM matching_run WHERE id = $1", [runId]))
      .rows[0];
    if (!run) throw new Error(`matching run ${runId} does not exist`);

    await mark(5, "Collecting the live batches");
    const batches = await liveBatches(db, run.agreement_id);
    const cohortBatches = batches.filter((b) => b.datasetId === COHORT_DATASET);
    const careBatches = batches.filter((b) => b.datasetId === "social-care");

    await db.query(createWorkTablesSql());
    await db.query(REGISTERED_BLANK_DIGESTS_SQL, [run.agreement_id]);
    await mark(10, "Collecting the school-readiness cohort's keys");
    const stats: DatasetStat[] = [];
    const warnings: Warning[] = [];
    const passCounts = new Map<string, PassCounts>();
    const statKey = (b: LiveBatch, k: KeyColumn) => `${b.id}|${k}`;
    const cohortPass = async (check: (typeof COHORT_KEY_CHECKS)[number]) => {
      for (const b of cohortBatches) {
        const c = (await db.query<PassCounts>(cohortPassSql(check.keyColumn), [b.id, check.plausibleRowsPerKey])).rows[0]!;
        passCounts.set(statKey(b, check.keyColumn), c);
        warnings.push(...warningsFor(b, check.keyColumn, check.plausibleRowsPerKey, c));
        warnings.push(...(await caseVariants(db, "ds_school_readiness", b, check.keyColumn, c)));
      }
    };
    await cohortPass(COHORT_KEY_CHECKS.find((k) => k.keyColumn === "person_key")!);
    await db.query(PERSON_KEYS_SQL, [careBatches.map((b) => b.id)]);
    await db.query(ANALYZE_PERSON_KEYS_SQL);
    await cohortPass(COHORT_KEY_CHECKS.find((k) => k.keyColumn === "address_key")!);
    await db.query(ANALYZE_COHORT_ADDRESS_SQL);

    const passes = LINK_SOURCES.flatMap((s) => batches.filter((b) => b.datasetId === s.dataset).map((b) => ({ s, b })));
    let done = 0;
    for (const { s, b } of passes) {
      await mark(15 + Math.round((55 * done) / Math.max(passes.length, 1)), `Linking ${s.dataset} on ${s.keyColumn}`);
      const c = (await db.query<PassCounts>(linkPassSql(s), [b.id, s.plausibleRowsPerKey])).rows[0]!;
      passCounts.set(statKey(b, s.keyColumn), c);
      warnings.push(...warningsFor(b, s.keyColumn, s.plausibleRowsPerKey, c));
      warnings.push(...(await caseVariants(db, s.table, b, s.keyColumn, c)));
      done++;
    }

    await mark(72, "Removing blank-identifier digests from the links");
    await db.query(dropEmptyDigestsSql());
    // With one live batch per dataset and supplier (the pilot), a source's hits are that batch's.
    for (const { s, b } of passes) {
      const c = passCounts.get(statKey(b, s.keyColumn))!;
      const sameSource = passes.filter((p) => p.s === s);
      const matched =
        sameSource.length === 1
          ? (await db.query<{ n: number }>(matchedCountSql(s))).rows[0]!.n
          : await matchedForBatch(db, s.temp, s.table, s.keyColumn, b.id);
      stats.push({
        datasetId: b.datasetId,
        orgId: b.orgId,
        keyColumn: s.keyColumn,
        batchId: b.id,
        batchLoadedAt: b.completedAt,
        rowCount: c.row_count,
        distinctKeys: c.distinct_keys,
        matchedKeys: matched,
      });
    }

    await mark(80, "Building the analysis table");
    const cohort = (await db.query<{ children: number; persons: number; linked: number }>(analysisSql(), [runId, cohortBatches.map((b) => b.id)]))
      .rows[0]!;
    for (const b of cohortBatches) {
      const c = passCounts.get(statKey(b, "person_key"))!;
      stats.push({
        datasetId: b.datasetId,
        orgId: b.orgId,
        keyColumn: "person_key",
        batchId: b.id,
        batchLoadedAt: b.completedAt,
        rowCount: c.row_count,
        distinctKeys: c.distinct_keys,
        matchedKeys: cohortBatches.length === 1 ? cohort.linked : Math.min(cohort.linked, c.distinct_keys),
      });
    }

    await mark(92, "Recording statistics and making the run live");
    // The run's own row is about to be locked by this transaction: progress writes must be done.
    await written;
    for (const s of stats) {
      await db.query(
        `INSERT INTO matching_run_dataset (run_id, dataset_id, org_id, key_column, batch_id, batch_loaded_at, row_count, distinct_keys, matched_keys, match_rate)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8::int > 0 THEN round(100.0 * $9::int / $8::int, 2) END)`,
        [runId, s.datasetId, s.orgId, s.keyColumn, s.batchId, s.batchLoadedAt, s.rowCount, s.distinctKeys, s.matchedKeys],
      );
    }
    for (const w of warnings) {
      await db.query(
        `INSERT INTO matching_quality_warning (run_id, dataset_id, org_id, key_column, kind, affected_keys, affected_rows, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [runId, w.datasetId, w.orgId, w.keyColumn, w.kind, w.affectedKeys, w.affectedRows, w.detail],
      );
    }
    await db.query(
      `UPDATE matching_run SET status = 'succeeded', progress = 100, stage = 'Finished', error = NULL, finished_at = now(),
         batch_ids = $2::uuid[], children = $3 WHERE id = $1`,
      [runId, batches.map((b) => b.id), cohort.children],
    );
    const live = await switchLive(db, { agreementId: run.agreement_id, runId, version: run.version });
    await auditInMatchingTransaction(db, {
      action: "matching.run",
      outcome: "success",
      actor: { label: "system:matching" },
      target: { type: "matching_run", id: runId },
      details: { version: run.version, children: cohort.children, batches: batches.length, warnings: warnings.length, live },
    });
    await hooks.beforeCommit?.();
    await db.query("COMMIT");
    timings.push([stageName, Math.round(performance.now() - stageStart)]);
    log({ component: "matching", runId }).debug({ version: run.version, timingsMs: Object.fromEntries(timings) }, "matching run stage timings");
    return { runId, version: run.version, children: cohort.children, live, stats, warnings };
  } catch (e) {
    await db.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    db.release(broken);
  }
}

/**
 * Makes a finished run the agreement's live one, inside the run's transaction, unless a newer run
 * already went live (a run that finishes late must not push it back out). True when it switched.
 * Used by every kind of run (the pilot's linking here, the Troubled Families evaluation).
 */
export async function switchLive(db: pg.ClientBase, run: { agreementId: string; runId: string; version: number }): Promise<boolean> {
  const switched = await db.query(
    `INSERT INTO matching_live AS l (agreement_id, run_id, switched_at) VALUES ($1, $2, now())
     ON CONFLICT (agreement_id) DO UPDATE SET run_id = EXCLUDED.run_id, switched_at = now()
     WHERE (SELECT version FROM matching_run WHERE id = l.run_id) < $3`,
    [run.agreementId, run.runId, run.version],
  );
  return (switched.rowCount ?? 0) > 0;
}

/** Cohort hits of one batch when several suppliers send the same dataset. */
async function matchedForBatch(db: pg.ClientBase, temp: string, table: string, keyColumn: KeyColumn, batchId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${temp} t WHERE EXISTS (SELECT 1 FROM ${table} d WHERE d.batch_id = $1::uuid AND d.${keyColumn} COLLATE "C" = t.k)`,
    [batchId],
  );
  return rows[0]!.n;
}

/** Removes the analysis rows of every run that is not live (superseded, failed, abandoned attempts). */
export async function discardStaleAnalysis(agreementId: string, except: string[] = []): Promise<number> {
  return withContextClient({ kind: "matching" }, async (c) => {
    const { rows } = await c.query<{ n: string }>(
      `SELECT matching_discard_analysis(array_agg(id)) AS n FROM matching_run
       WHERE agreement_id = $1 AND NOT (id = ANY ($2::uuid[]))`,
      [agreementId, except],
    );
    return Number(rows[0]?.n ?? 0);
  });
}

export async function setProgress(runId: string, percent: number, stage: string): Promise<void> {
  await withContext({ kind: "matching" }, (tx) =>
    tx.matchingRun.updateMany({ where: { id: runId, status: "running" }, data: { progress: percent, stage } }),
  );
}
