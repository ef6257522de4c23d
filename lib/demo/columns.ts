import "server-only";

/*
 * Column order of each dataset exactly as the partner data specification (version 1) lists it. The demo
 * writes headers in this order; partners may use any order, which quirks mode exercises.
 */

export const HOUSING_BENEFITS_COLUMNS = [
  "address_key",
  "council_tax_band",
  "council_tax_reduction_pct",
  "council_tax_reduction_gbp",
  "housing_benefit_gbp",
  "tenure",
  "arrears_gbp",
  "social_housing",
  "child_benefit",
  "child_tax_credits",
  "lone_parent_premium",
  "incapacity_benefit",
  "long_term_family_premium",
  "employment_income_gross_weekly",
  "employment_income_net_weekly",
  "self_employment_income_gross_weekly",
  "self_employment_income_net_weekly",
  "earned_income_disregard_weekly",
  "childcare_disregard_weekly",
] as const;

export const SOCIAL_CARE_COLUMNS = ["person_key", "address_key", "birth_month", "start_date", "end_date"] as const;

export const ELG_COLUMNS = [
  "elg01_listening_attention",
  "elg02_understanding",
  "elg03_speaking",
  "elg04_moving_handling",
  "elg05_health_self_care",
  "elg06_self_confidence",
  "elg07_managing_feelings",
  "elg08_making_relationships",
  "elg09_reading",
  "elg10_writing",
  "elg11_numbers",
  "elg12_shape_space_measures",
  "elg13_people_communities",
  "elg14_the_world",
  "elg15_technology",
  "elg16_media_materials",
  "elg17_being_imaginative",
] as const;

export const SCHOOL_READINESS_COLUMNS = [
  "person_key",
  "address_key",
  "assessment_year",
  "school_district",
  "school_urn",
  "gender",
  "birth_month",
  "ethnicity",
  "fsm",
  ...ELG_COLUMNS,
  "school_ready",
] as const;

export const YOUTH_OFFENDING_COLUMNS = ["address_key", "yos_known", "offence_category", "offence_gravity"] as const;

export const DRUG_ALCOHOL_COLUMNS = [
  "address_key",
  "in_treatment",
  "in_treatment_last_12m",
  "successful_completion_last_12m",
  "referral_source",
  "intervention_type",
] as const;

export const POLICE_CRIME_COLUMNS = [
  "address_key",
  "offender_address",
  "present_at_household",
  "repeat_offender",
  "asb_address",
  "incident_at_address",
  "crime_group",
  "asb_drug_related",
  "asb_alcohol_related",
  "asb_child_present",
  "asb_repeat",
  "asb_risk_category",
  "dv_victim_address",
  "dv_drug_related",
  "dv_alcohol_related",
  "dv_child_present",
  "dv_repeat_victim",
  "dv_risk_category",
] as const;

export const TROUBLED_FAMILIES_COLUMNS = [
  "family_key",
  "person_key",
  "batch_period",
  "group",
  "attached_date",
  "age_band",
  "crit_crime_asb",
  "crit_education",
  "crit_children_in_need",
  "crit_worklessness",
  "crit_domestic_abuse",
  "crit_health",
  "offences_before",
  "offences_after",
  "asb_incidents_before",
  "asb_incidents_after",
  "dv_incidents_before",
  "dv_incidents_after",
  "absence_rate_before",
  "absence_rate_after",
  "out_of_work_benefits_before",
  "out_of_work_benefits_after",
] as const;

export const GROUND_TRUTH_COLUMNS = [
  "person_key",
  "address_key",
  "assessment_year",
  "in_housing_benefits",
  "in_social_care_person",
  "in_social_care_address",
  "in_youth_offending",
  "in_drug_alcohol",
  "in_police_crime",
  "in_troubled_families",
] as const;

export const OUTPUT_AREAS_COLUMNS = ["address_key", "oa_code", "ward_name"] as const;

export const QUIRKS_COLUMNS = ["dataset_id", "line", "column", "quirk", "expected"] as const;

export const DATASET_COLUMNS = {
  "housing-benefits": HOUSING_BENEFITS_COLUMNS,
  "social-care": SOCIAL_CARE_COLUMNS,
  "school-readiness": SCHOOL_READINESS_COLUMNS,
  "youth-offending": YOUTH_OFFENDING_COLUMNS,
  "drug-alcohol": DRUG_ALCOHOL_COLUMNS,
  "police-crime": POLICE_CRIME_COLUMNS,
  "troubled-families": TROUBLED_FAMILIES_COLUMNS,
} as const;

export type DatasetId = keyof typeof DATASET_COLUMNS;

export type Row = Record<string, string>;
