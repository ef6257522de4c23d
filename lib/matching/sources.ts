import "server-only";

/** Datasets of the Essex pilot that a matching run links (troubled families is a separate study). */
export const MATCHED_DATASETS = ["school-readiness", "housing-benefits", "social-care", "youth-offending", "drug-alcohol", "police-crime"] as const;
export type MatchedDatasetId = (typeof MATCHED_DATASETS)[number];

export const COHORT_DATASET = "school-readiness" as const;
export const PILOT_AGREEMENT = "essex-pilot";

export type KeyColumn = "address_key" | "person_key";

/**
 * One way a dataset links to the cohort: which key, which temporary table holds its aggregates
 * for the cohort's keys, and the household indicators it contributes (SQL aggregates over the
 * dataset's rows of one key). `plausibleRowsPerKey` is where "the same key on implausibly many
 * rows" starts: usually the digest of a blank identifier or a shared placeholder address.
 */
export interface LinkSource {
  readonly dataset: Exclude<MatchedDatasetId, typeof COHORT_DATASET>;
  readonly table: string;
  readonly keyColumn: KeyColumn;
  readonly temp: string;
  readonly linkColumn: string;
  readonly plausibleRowsPerKey: number;
  readonly indicators: Readonly<Record<string, string>>;
}

export const LINK_SOURCES: readonly LinkSource[] = [
  {
    dataset: "housing-benefits",
    table: "ds_housing_benefits",
    keyColumn: "address_key",
    temp: "m_housing",
    linkColumn: "linked_housing_benefits",
    plausibleRowsPerKey: 1,
    indicators: {
      low_income:
        "bool_or(coalesce(housing_benefit_gbp, 0) > 0 OR coalesce(council_tax_reduction_gbp, 0) > 0 OR coalesce(council_tax_reduction_pct, 0) > 0)",
      lone_parent: "bool_or(lone_parent_premium)",
    },
  },
  {
    dataset: "social-care",
    table: "ds_social_care",
    keyColumn: "person_key",
    temp: "m_care_person",
    linkColumn: "linked_social_care",
    plausibleRowsPerKey: 10,
    indicators: {},
  },
  {
    dataset: "social-care",
    table: "ds_social_care",
    keyColumn: "address_key",
    temp: "m_care_household",
    linkColumn: "linked_social_care_household",
    plausibleRowsPerKey: 20,
    indicators: {},
  },
  {
    dataset: "youth-offending",
    table: "ds_youth_offending",
    keyColumn: "address_key",
    temp: "m_youth",
    linkColumn: "linked_youth_offending",
    plausibleRowsPerKey: 25,
    indicators: { yos_known: "bool_or(yos_known)" },
  },
  {
    dataset: "drug-alcohol",
    table: "ds_drug_alcohol",
    keyColumn: "address_key",
    temp: "m_drugs",
    linkColumn: "linked_drug_alcohol",
    plausibleRowsPerKey: 25,
    indicators: { in_treatment: "bool_or(in_treatment <> 'none' OR in_treatment_last_12m)" },
  },
  {
    dataset: "police-crime",
    table: "ds_police_crime",
    keyColumn: "address_key",
    temp: "m_police",
    linkColumn: "linked_police_crime",
    plausibleRowsPerKey: 50,
    indicators: {
      crime_asb: "bool_or(offender_address OR asb_address)",
      dv_victim: "bool_or(dv_victim_address)",
    },
  },
];

/** The cohort's own key columns are checked for quality too. */
export const COHORT_KEY_CHECKS: readonly { keyColumn: KeyColumn; plausibleRowsPerKey: number }[] = [
  { keyColumn: "person_key", plausibleRowsPerKey: 3 },
  { keyColumn: "address_key", plausibleRowsPerKey: 12 },
];

/**
 * Household factors of the analysis table: each is true only when the child's household (or, for
 * social care, the child) is linked and the partner's data shows it. `sql` is evaluated over the
 * joined aggregates in lib/matching/sql.ts.
 */
export const HOUSEHOLD_FACTORS = [
  { column: "f_low_income", label: "Low income (housing benefit or council tax reduction)", sql: "coalesce(m_housing.low_income, false)" },
  { column: "f_lone_parent", label: "Lone parent (family premium)", sql: "coalesce(m_housing.lone_parent, false)" },
  { column: "f_social_care", label: "Child known to children's social care", sql: "(m_care_person.k IS NOT NULL)" },
  { column: "f_youth_offending", label: "Address known to the youth offending service", sql: "coalesce(m_youth.yos_known, false)" },
  { column: "f_substance_misuse", label: "Drug or alcohol treatment at the address", sql: "coalesce(m_drugs.in_treatment, false)" },
  { column: "f_crime_asb", label: "Offender or anti-social behaviour address", sql: "coalesce(m_police.crime_asb, false)" },
  { column: "f_domestic_violence", label: "Domestic violence victim address", sql: "coalesce(m_police.dv_victim, false)" },
] as const;
export type HouseholdFactorColumn = (typeof HOUSEHOLD_FACTORS)[number]["column"];

/** EYFSP 2016 areas of learning and their early learning goals (ds_school_readiness columns). */
export const AREAS_OF_LEARNING = [
  { column: "aol_communication", label: "Communication and language", elgs: ["elg01_listening_attention", "elg02_understanding", "elg03_speaking"] },
  { column: "aol_physical", label: "Physical development", elgs: ["elg04_moving_handling", "elg05_health_self_care"] },
  {
    column: "aol_personal_social",
    label: "Personal, social and emotional development",
    elgs: ["elg06_self_confidence", "elg07_managing_feelings", "elg08_making_relationships"],
  },
  { column: "aol_literacy", label: "Literacy", elgs: ["elg09_reading", "elg10_writing"] },
  { column: "aol_mathematics", label: "Mathematics", elgs: ["elg11_numbers", "elg12_shape_space_measures"] },
  {
    column: "aol_understanding_world",
    label: "Understanding the world",
    elgs: ["elg13_people_communities", "elg14_the_world", "elg15_technology"],
  },
  { column: "aol_expressive_arts", label: "Expressive arts and design", elgs: ["elg16_media_materials", "elg17_being_imaginative"] },
] as const;
export type AreaOfLearningColumn = (typeof AREAS_OF_LEARNING)[number]["column"];

/** ONS high-level ethnic groups of the DfE codes; Chinese is in the Asian group as in the 2011 census. */
export const ETHNICITY_GROUPS = [
  { value: "white", label: "White" },
  { value: "mixed", label: "Mixed or multiple ethnic groups" },
  { value: "asian", label: "Asian or Asian British" },
  { value: "black", label: "Black or Black British" },
  { value: "other", label: "Other ethnic group" },
  { value: "unknown", label: "Refused or not obtained" },
] as const;

/** Seasons of the English school year: autumn-born children are the oldest in the class. */
export const SEASONS_OF_BIRTH = [
  { value: "autumn", label: "Autumn born (September–December)" },
  { value: "spring", label: "Spring born (January–April)" },
  { value: "summer", label: "Summer born (May–August)" },
] as const;

export const VANGE_WARD = "Vange";
