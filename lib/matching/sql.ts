import "server-only";
import { AREAS_OF_LEARNING, HOUSEHOLD_FACTORS, LINK_SOURCES, VANGE_WARD, type KeyColumn, type LinkSource } from "./sources";

/*
 * The matching run's SQL. Everything is set-based and runs inside PostgreSQL: Node only sends
 * statements and reads a handful of counts back. See docs/decisions/060-matching.md.
 */

const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/*
 * Keys are hex digests, so byte order is their only meaningful order: every key the run groups,
 * sorts or hashes is taken in the "C" collation, which compares bytes instead of going through
 * the database's linguistic collation (several times slower on 64-character strings).
 */
const C = 'COLLATE "C"';

/** Temporary tables live for the run's transaction only. */
export function createWorkTablesSql(): string {
  const link = LINK_SOURCES.map((s) => {
    const cols = Object.keys(s.indicators)
      .map((c) => `, ${c} boolean`)
      .join("");
    return `CREATE TEMP TABLE ${s.temp} (k text ${C} PRIMARY KEY${cols}) ON COMMIT DROP`;
  });
  return [
    // Keys seen in any person-key column: a digest found both as a person and as an address key is
    // the salt alone hashed, i.e. blank identifiers (see docs/decisions/060-matching.md).
    // No indexes: these are only ever hashed whole.
    `CREATE TEMP TABLE m_person_keys (k text ${C}) ON COMMIT DROP`,
    `CREATE TEMP TABLE m_cohort_address (k text ${C}) ON COMMIT DROP`,
    `CREATE TEMP TABLE m_cohort_person (k text ${C}) ON COMMIT DROP`,
    `CREATE TEMP TABLE m_empty_digest (k text ${C} PRIMARY KEY) ON COMMIT DROP`,
    ...link,
  ].join(";\n");
}

/** The blank-identifier digests the agreement's partners registered. $1: agreement id. */
export const REGISTERED_BLANK_DIGESTS_SQL =
  "INSERT INTO m_empty_digest SELECT digest FROM matching_blank_digest WHERE agreement_id = $1 ON CONFLICT DO NOTHING";

/**
 * Every key used as a person key (the cohort's, filled by its person pass, and social care's).
 * $1: social-care batch ids.
 */
export const PERSON_KEYS_SQL =
  // Only ever probed with EXISTS, so duplicates are harmless and not worth removing.
  `INSERT INTO m_person_keys SELECT k FROM m_cohort_person UNION ALL SELECT person_key ${C} FROM ds_social_care WHERE batch_id = ANY ($1::uuid[])`;

/** Statistics, so the planner hashes these sets instead of looping over them. */
export const ANALYZE_PERSON_KEYS_SQL = "ANALYZE m_cohort_person; ANALYZE m_person_keys";
export const ANALYZE_COHORT_ADDRESS_SQL = "ANALYZE m_cohort_address";

export interface PassCounts {
  row_count: number;
  distinct_keys: number;
  frequent_keys: number;
  frequent_rows: number;
  empty_keys: number;
  empty_rows: number;
  noncanonical_keys: number;
}

const COUNTS = `
  count(*)::int AS distinct_keys,
  coalesce(sum(n), 0)::int AS row_count,
  (count(*) FILTER (WHERE n > $2))::int AS frequent_keys,
  coalesce(sum(n) FILTER (WHERE n > $2), 0)::int AS frequent_rows,
  (count(*) FILTER (WHERE k <> lower(k)))::int AS noncanonical_keys`;

/**
 * One pass over one batch of a linked dataset: aggregates its rows per key once, keeps the
 * aggregates of the cohort's keys, records blank-identifier digests, and returns the counts the
 * run reports. $1: batch id, $2: plausible rows per key.
 */
export function linkPassSql(s: LinkSource): string {
  const cohort = s.keyColumn === "person_key" ? "m_cohort_person" : "m_cohort_address";
  const names = Object.keys(s.indicators);
  const aggs = names.map((c) => `, ${s.indicators[c]} AS ${c}`).join("");
  const cols = names.map((c) => `, ${c}`).join("");
  const merge = names.length ? `DO UPDATE SET ${names.map((c) => `${c} = ${s.temp}.${c} OR EXCLUDED.${c}`).join(", ")}` : "DO NOTHING";
  // Blank identifiers hash to the same digest whichever column they were in, so an address key
  // that is also someone's person key (or the reverse) can only be that digest. Only keys on
  // implausibly many rows are probed (blank identifiers pile up on one digest): a lone blank
  // digest outside the cohort links nothing, and one inside it is caught by the cohort's own pass.
  // Digests the partners registered (matching_blank_digest) are recognised wherever they occur.
  const emptyProbe =
    s.keyColumn === "address_key"
      ? "agg.k IN (SELECT k FROM m_empty_digest) OR (n > $2 AND EXISTS (SELECT 1 FROM m_person_keys p WHERE p.k = agg.k))"
      : "agg.k IN (SELECT k FROM m_empty_digest) OR (n > $2 AND EXISTS (SELECT 1 FROM m_cohort_address a WHERE a.k = agg.k))";
  return `
WITH agg AS (
  SELECT ${s.keyColumn} ${C} AS k, count(*) AS n${aggs}
  FROM ${s.table} WHERE batch_id = $1::uuid GROUP BY 1
), hits AS (
  INSERT INTO ${s.temp} (k${cols}) SELECT k${cols} FROM agg WHERE EXISTS (SELECT 1 FROM ${cohort} c WHERE c.k = agg.k)
  ON CONFLICT (k) ${merge}
), empties AS (
  SELECT k, n FROM agg WHERE ${emptyProbe}
), recorded AS (
  INSERT INTO m_empty_digest SELECT k FROM empties ON CONFLICT DO NOTHING
)
SELECT ${COUNTS},
  (SELECT count(*) FROM empties)::int AS empty_keys,
  (SELECT coalesce(sum(n), 0) FROM empties)::int AS empty_rows
FROM agg`;
}

/**
 * The cohort's own key columns: keeps the cohort's keys for the link passes, and returns counts
 * and blank-identifier digests. The person pass runs first: the address pass probes the person
 * keys. $1: batch id, $2: plausible rows.
 */
export function cohortPassSql(keyColumn: KeyColumn): string {
  const other = keyColumn === "person_key" ? "address_key" : "person_key";
  const keep = keyColumn === "person_key" ? "m_cohort_person" : "m_cohort_address";
  return `
WITH agg AS (
  SELECT ${keyColumn} ${C} AS k, count(*) AS n, bool_or(${keyColumn} = ${other}) AS same_as_other
  FROM ds_school_readiness WHERE batch_id = $1::uuid GROUP BY 1
), kept AS (
  INSERT INTO ${keep} SELECT k FROM agg
), empties AS (
  SELECT k, n FROM agg WHERE same_as_other OR agg.k IN (SELECT k FROM m_empty_digest)
    ${keyColumn === "address_key" ? "OR EXISTS (SELECT 1 FROM m_person_keys p WHERE p.k = agg.k)" : ""}
), recorded AS (
  INSERT INTO m_empty_digest SELECT k FROM empties ON CONFLICT DO NOTHING
)
SELECT ${COUNTS},
  (SELECT count(*) FROM empties)::int AS empty_keys,
  (SELECT coalesce(sum(n), 0) FROM empties)::int AS empty_rows
FROM agg`;
}

/** Keys that differ only by letter case, counted only when a batch holds non-canonical keys. */
export function caseVariantSql(table: string, keyColumn: KeyColumn): string {
  return `
SELECT count(*)::int AS keys, coalesce(sum(n), 0)::int AS rows FROM (
  SELECT lower(${keyColumn}) AS k, count(*) AS n FROM ${table} WHERE batch_id = $1::uuid
  GROUP BY lower(${keyColumn}) HAVING count(DISTINCT ${keyColumn}) > 1
) v`;
}

/** A blank-identifier digest links nothing: drop it from every set of cohort hits. */
export function dropEmptyDigestsSql(): string {
  return LINK_SOURCES.map((s) => `DELETE FROM ${s.temp} t USING m_empty_digest e WHERE e.k = t.k`).join(";\n");
}

export function matchedCountSql(s: LinkSource): string {
  return `SELECT count(*)::int AS n FROM ${s.temp}`;
}

const allAtLeastExpected = (elgs: readonly string[]) =>
  `CASE WHEN num_nulls(${elgs.map((e) => `s.${e}`).join(", ")}) > 0 THEN NULL ELSE least(${elgs.map((e) => `s.${e}`).join(", ")}) >= 2 END`;

/** Good Level of Development: at least expected in every goal of the three prime areas, literacy and mathematics. */
const GLD_ELGS = AREAS_OF_LEARNING.filter((a) =>
  ["aol_communication", "aol_physical", "aol_personal_social", "aol_literacy", "aol_mathematics"].includes(a.column),
).flatMap((a) => a.elgs);

/** Column list of analysis_child after run_id, in insert order. */
export const ANALYSIS_COLUMNS = [
  "child_no",
  "assessment_year",
  "school_district",
  "area",
  "oa_code",
  "gender",
  "fsm",
  "ethnicity_group",
  "season_of_birth",
  "gld",
  ...AREAS_OF_LEARNING.map((a) => a.column),
  ...LINK_SOURCES.map((s) => s.linkColumn),
  ...HOUSEHOLD_FACTORS.map((f) => f.column),
  "risk_factors",
] as const;

/**
 * The cohort with its links, one row per assessed child, written to analysis_child; the same
 * statement counts children, distinct children and children linked to at least one dataset (the
 * matching context may write analysis_child but not read it back).
 * $1: run id, $2: school-readiness batch ids.
 */
export function analysisSql(): string {
  const address = `(s.address_key ${C} NOT IN (SELECT k FROM m_empty_digest))`;
  const joins = LINK_SOURCES.map((src) => {
    const key = src.keyColumn === "person_key" ? "s.person_key" : "s.address_key";
    return `LEFT JOIN ${src.temp} ON ${src.temp}.k = ${key} ${C}`;
  }).join("\n  ");
  const factors = HOUSEHOLD_FACTORS.map((f) => `${f.sql} AS ${f.column}`);
  const cols = ANALYSIS_COLUMNS.join(", ");
  return `
WITH cohort AS MATERIALIZED (
SELECT
  s.person_key ${C} AS person_key,
  row_number() OVER (ORDER BY s.person_key ${C}, s.assessment_year)::int AS child_no,
  s.assessment_year,
  s.school_district,
  CASE WHEN g.ward_name IS NULL THEN 'unknown' WHEN g.ward_name = ${lit(VANGE_WARD)} THEN 'vange' ELSE 'rest' END AS area,
  g.oa_code,
  s.gender,
  s.fsm,
  CASE WHEN s.ethnicity IN ('REFU', 'NOBT') THEN 'unknown'
       WHEN s.ethnicity = 'CHNE' THEN 'asian'
       WHEN s.ethnicity = 'OOTH' THEN 'other'
       ELSE CASE left(s.ethnicity, 1) WHEN 'W' THEN 'white' WHEN 'M' THEN 'mixed' WHEN 'A' THEN 'asian' WHEN 'B' THEN 'black' ELSE 'other' END
  END AS ethnicity_group,
  CASE WHEN extract(month FROM s.birth_month) >= 9 THEN 'autumn' WHEN extract(month FROM s.birth_month) <= 4 THEN 'spring' ELSE 'summer' END AS season_of_birth,
  ${allAtLeastExpected(GLD_ELGS)} AS gld,
  ${AREAS_OF_LEARNING.map((a) => `${allAtLeastExpected(a.elgs)} AS ${a.column}`).join(",\n  ")},
  ${LINK_SOURCES.map((src) => `(${src.temp}.k IS NOT NULL) AS ${src.linkColumn}`).join(",\n  ")},
  ${factors.join(",\n  ")},
  (${HOUSEHOLD_FACTORS.map((f) => `${f.sql}::int`).join(" + ")})::smallint AS risk_factors
FROM ds_school_readiness s
  LEFT JOIN geo_address_area g ON g.address_key = s.address_key AND ${address}
  ${joins}
WHERE s.batch_id = ANY ($2::uuid[])
), written AS (
  INSERT INTO analysis_child (run_id, ${cols}) SELECT $1::uuid, ${cols} FROM cohort
)
SELECT count(*)::int AS children, count(DISTINCT person_key)::int AS persons,
  (count(DISTINCT person_key) FILTER (WHERE ${LINK_SOURCES.map((src) => src.linkColumn).join(" OR ")}))::int AS linked
FROM cohort`;
}
