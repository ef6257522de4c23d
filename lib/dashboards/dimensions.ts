import "server-only";
import { AREAS_OF_LEARNING, ETHNICITY_GROUPS, HOUSEHOLD_FACTORS, SEASONS_OF_BIRTH } from "@/lib/matching/sources";

/** Outcome of a measure for one child. */
export const OUTCOME = ["yes", "no"] as const;
export const RISK_BANDS = ["0", "1", "2", "3+"] as const;

export const AREA_LABELS: Record<string, string> = { vange: "Vange", rest: "Rest of the data", unknown: "Area not known" };
export const GENDER_LABELS: Record<string, string> = { F: "Girls", M: "Boys" };
export const FSM_LABELS: Record<string, string> = { true: "Free school meals", false: "No free school meals" };
export const FACTOR_VALUE_LABELS: Record<string, string> = { true: "With the factor", false: "Without the factor" };
export const ETHNICITY_LABELS: Record<string, string> = Object.fromEntries(ETHNICITY_GROUPS.map((g) => [g.value, g.label]));
export const SEASON_LABELS: Record<string, string> = Object.fromEntries(SEASONS_OF_BIRTH.map((s) => [s.value, s.label]));
export const RISK_BAND_LABELS: Record<string, string> = { "0": "No factors", "1": "1 factor", "2": "2 factors", "3+": "3 or more factors" };

export const FACTORS = HOUSEHOLD_FACTORS.map((f) => ({ dim: f.column, label: f.label }));
export const AREAS = AREAS_OF_LEARNING.map((a) => ({ dim: a.column, label: a.label }));

/**
 * The dashboards' population: children with a complete profile. An `A` (absent) score excludes a
 * child from the EYFSP calculations; keeping such children in some tables and not in others would
 * publish their (small) number as a difference, which the engine would then have to hide.
 */
export const POPULATION_SQL = `gld IS NOT NULL AND num_nulls(${AREAS.map((a) => a.dim).join(", ")}) = 0`;

/** SQL expression of each base dimension over analysis_child. */
export const DIMENSION_SQL: Record<string, string> = {
  year: "assessment_year",
  district: "school_district",
  area: "area",
  oa: "coalesce(oa_code, 'unknown')",
  gender: "gender",
  fsm: "fsm",
  ethnicity: "ethnicity_group",
  season: "season_of_birth",
  gld: "CASE WHEN gld THEN 'yes' ELSE 'no' END",
  ...Object.fromEntries(AREAS.map((a) => [a.dim, `CASE WHEN ${a.dim} THEN 'yes' ELSE 'no' END`])),
  ...Object.fromEntries(FACTORS.map((f) => [f.dim, f.dim])),
  risk: "CASE WHEN risk_factors >= 3 THEN '3+' ELSE risk_factors::text END",
};
