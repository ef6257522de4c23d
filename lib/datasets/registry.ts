import { col, optional, type ColumnDef, type RowOfColumns } from "@/lib/datasets/columns";
import { ELG_GLD_COLUMNS, goodLevelOfDevelopment } from "@/lib/datasets/eyfsp";
import { BATCH_PERIOD_PATTERN } from "./period";

/** Version of the partner data specification these definitions implement. */
export const SPEC_VERSION = 2;

export const DATASET_IDS = [
  "housing-benefits",
  "social-care",
  "school-readiness",
  "youth-offending",
  "drug-alcohol",
  "police-crime",
  "troubled-families",
] as const;
export type DatasetId = (typeof DATASET_IDS)[number];

export function isDatasetId(value: string): value is DatasetId {
  return (DATASET_IDS as readonly string[]).includes(value);
}

export type SupplierKind = "county-council" | "borough-council" | "police" | "local-authority";

export interface Supplier {
  readonly kind: SupplierKind;
  /** `null` when any organisation of that kind may supply it (troubled families). */
  readonly name: string | null;
}

/** Context a row is validated in that the row itself cannot carry. */
export interface RowContext {
  /** The batch (`YYYY-H1`/`YYYY-H2`) a troubled-families file is uploaded as. */
  readonly period?: string;
}

export type CrossFieldRuleCode =
  | "net-exceeds-gross"
  | "end-before-start"
  | "risk-category-required"
  | "risk-category-not-allowed"
  | "school-ready-mismatch"
  | "school-ready-not-allowed"
  | "batch-period-mismatch"
  | "attached-before-agreement"
  | "attached-after-period"
  | "too-few-criteria";

export interface CrossFieldRule<R> {
  readonly code: CrossFieldRuleCode;
  /** The column an error is reported against. */
  readonly column: keyof R & string;
  /** Every column the rule reads; it is only evaluated when all of them are individually valid. */
  readonly reads: readonly (keyof R & string)[];
  /** Plain-English statement for the specification page. */
  readonly description: string;
  /** `null` when the row satisfies the rule, otherwise what was expected in the reported column. */
  readonly check: (row: R, context: RowContext) => string | null;
}

export interface UniqueRule {
  readonly columns: readonly string[];
  readonly description: string;
}

/**
 * A rule across rows: every row with the same `key` value holds the same `column` value
 * (a family is in one group per batch). Checked over the whole file while it streams.
 */
export interface ConsistencyRule {
  readonly key: string;
  readonly column: string;
  readonly description: string;
  /** Why, in a few words, for error messages. */
  readonly reason: string;
}

export interface DatasetDef<Id extends DatasetId = DatasetId, Cols extends readonly ColumnDef[] = readonly ColumnDef[]> {
  readonly id: Id;
  readonly title: string;
  readonly supplier: Supplier;
  readonly grain: string;
  readonly columns: Cols;
  readonly unique: UniqueRule | null;
  /** Rules across batches, in words, for the specification page. */
  readonly batchNotes?: readonly string[];
  /** Cross-row consistency rules (empty for most datasets). */
  readonly consistent?: readonly ConsistencyRule[];
  readonly rules: readonly CrossFieldRule<RowOfColumns<Cols>>[];
  /** Whether a file can only be validated with {@link RowContext.period}. */
  readonly needsPeriod: boolean;
}

function defineDataset<const Id extends DatasetId, const Cols extends readonly ColumnDef[]>(def: DatasetDef<Id, Cols>): DatasetDef<Id, Cols> {
  return def;
}

/* ---------- housing-benefits ---------- */

const netNotAboveGross = <R extends Record<N | G, number | null>, N extends string, G extends string>(
  net: N & keyof R & string,
  gross: G & keyof R & string,
  label: string,
): CrossFieldRule<R> => ({
  code: "net-exceeds-gross",
  column: net,
  reads: [net, gross],
  description: `${label}: net must not exceed gross`,
  check: (row) => {
    const n = row[net];
    const g = row[gross];
    return n !== null && g !== null && n > g ? `at most ${gross} (${g})` : null;
  },
});

const housingColumns = [
  col.key("address_key", "Pseudonymised address (household)."),
  col.enumOf("council_tax_band", ["A", "B", "C", "D", "E", "F", "G", "H"], "Council tax band."),
  optional(col.number("council_tax_reduction_pct", 0, 100, "Council tax reduction granted, per cent.")),
  optional(col.money("council_tax_reduction_gbp", "Council tax reduction for the year, pounds.")),
  optional(col.money("housing_benefit_gbp", "Housing benefit received for the year, pounds.")),
  col.enumOf(
    "tenure",
    ["owner_occupied", "private_rented", "social_rented", "shared_ownership", "temporary_accommodation", "other"],
    "Housing tenure type.",
  ),
  optional(col.money("arrears_gbp", "Total household arrears, pounds.")),
  col.flag("social_housing", "Household lives in social housing."),
  col.flag("child_benefit", "Household receives child benefit."),
  col.flag("child_tax_credits", "Household receives child tax credits."),
  col.flag("lone_parent_premium", "Family premium (lone parent)."),
  col.flag("incapacity_benefit", "Claimant receives incapacity benefit."),
  col.flag("long_term_family_premium", "Long-term family premium."),
  optional(col.money("employment_income_gross_weekly", "Claimant employment income, gross, pounds per week.")),
  optional(col.money("employment_income_net_weekly", "Claimant employment income, net, pounds per week; not above gross.")),
  optional(col.money("self_employment_income_gross_weekly", "Claimant self-employment income, gross, pounds per week.")),
  optional(col.money("self_employment_income_net_weekly", "Claimant self-employment income, net, pounds per week; not above gross.")),
  optional(col.money("earned_income_disregard_weekly", "Weekly earned-income disregard, pounds.")),
  optional(col.money("childcare_disregard_weekly", "Weekly childcare disregard, pounds.")),
] as const;
export type HousingBenefitsRow = RowOfColumns<typeof housingColumns>;

const housingBenefits = defineDataset({
  id: "housing-benefits",
  title: "Housing and benefits",
  supplier: { kind: "borough-council", name: "Basildon Borough Council" },
  grain: "One row per household.",
  columns: housingColumns,
  unique: { columns: ["address_key"], description: "address_key is unique: one row per household." },
  rules: [
    netNotAboveGross<HousingBenefitsRow, "employment_income_net_weekly", "employment_income_gross_weekly">(
      "employment_income_net_weekly",
      "employment_income_gross_weekly",
      "Employment income",
    ),
    netNotAboveGross<HousingBenefitsRow, "self_employment_income_net_weekly", "self_employment_income_gross_weekly">(
      "self_employment_income_net_weekly",
      "self_employment_income_gross_weekly",
      "Self-employment income",
    ),
  ],
  needsPeriod: false,
});

/* ---------- social-care ---------- */

const socialCareColumns = [
  col.key("person_key", "Pseudonymised person (the child)."),
  col.key("address_key", "Pseudonymised address (household)."),
  col.month("birth_month", "Month of birth."),
  col.date("start_date", "Date the child became known to children's social care."),
  optional(col.date("end_date", "Date the episode ended; empty while still open. Not before start_date.")),
] as const;
export type SocialCareRow = RowOfColumns<typeof socialCareColumns>;

const socialCare = defineDataset({
  id: "social-care",
  title: "Children's social care",
  supplier: { kind: "county-council", name: "Essex County Council" },
  grain: "One row per episode known to children's social care.",
  columns: socialCareColumns,
  unique: null,
  rules: [
    {
      code: "end-before-start",
      column: "end_date",
      reads: ["end_date", "start_date"],
      description: "end_date, when present, is not before start_date.",
      // ISO dates compare correctly as strings.
      check: (row: SocialCareRow) =>
        row.end_date !== null && row.end_date < row.start_date ? `a date on or after start_date (${row.start_date})` : null,
    },
  ],
  needsPeriod: false,
});

/* ---------- school-readiness ---------- */

const ETHNICITY_CODES = [
  "WBRI",
  "WIRI",
  "WIRT",
  "WOTH",
  "WROM",
  "MWBC",
  "MWBA",
  "MWAS",
  "MOTH",
  "AIND",
  "APKN",
  "ABAN",
  "AOTH",
  "BCRB",
  "BAFR",
  "BOTH",
  "CHNE",
  "OOTH",
  "REFU",
  "NOBT",
] as const;

const schoolReadinessColumns = [
  col.key("person_key", "Pseudonymised person (the child)."),
  col.key("address_key", "Pseudonymised address (household)."),
  col.year("assessment_year", "Year of the summer the Reception year ends."),
  col.textCode("school_district", /^[A-Z0-9-]{1,20}$/, "1–20 characters of A–Z, 0–9 and -", "School district code."),
  col.urn("school_urn", "School unique reference number (URN)."),
  col.enumOf("gender", ["F", "M"], "Gender."),
  col.month("birth_month", "Month of birth."),
  col.enumOf("ethnicity", ETHNICITY_CODES, "Ethnicity (DfE main codes)."),
  col.flag("fsm", "Eligible for free school meals."),
  col.elg("elg01_listening_attention", "Communication and language: listening and attention."),
  col.elg("elg02_understanding", "Communication and language: understanding."),
  col.elg("elg03_speaking", "Communication and language: speaking."),
  col.elg("elg04_moving_handling", "Physical development: moving and handling."),
  col.elg("elg05_health_self_care", "Physical development: health and self-care."),
  col.elg("elg06_self_confidence", "Personal, social and emotional: self-confidence and self-awareness."),
  col.elg("elg07_managing_feelings", "Personal, social and emotional: managing feelings and behaviour."),
  col.elg("elg08_making_relationships", "Personal, social and emotional: making relationships."),
  col.elg("elg09_reading", "Literacy: reading."),
  col.elg("elg10_writing", "Literacy: writing."),
  col.elg("elg11_numbers", "Mathematics: numbers."),
  col.elg("elg12_shape_space_measures", "Mathematics: shape, space and measures."),
  col.elg("elg13_people_communities", "Understanding the world: people and communities."),
  col.elg("elg14_the_world", "Understanding the world: the world."),
  col.elg("elg15_technology", "Understanding the world: technology."),
  col.elg("elg16_media_materials", "Expressive arts and design: exploring and using media and materials."),
  col.elg("elg17_being_imaginative", "Expressive arts and design: being imaginative."),
  optional(
    col.flag("school_ready", "Good Level of Development: Y exactly when every one of elg01–elg12 is 2 or 3; empty when any of elg01–elg12 is A."),
  ),
] as const;
export type SchoolReadinessRow = RowOfColumns<typeof schoolReadinessColumns>;

const schoolReadiness = defineDataset({
  id: "school-readiness",
  title: "School readiness",
  supplier: { kind: "county-council", name: "Essex County Council" },
  grain: "One row per child at the end of Reception.",
  columns: schoolReadinessColumns,
  unique: {
    columns: ["person_key", "assessment_year"],
    description: "person_key is unique within each assessment_year.",
  },
  rules: [
    {
      code: "school-ready-not-allowed",
      column: "school_ready",
      reads: ["school_ready", ...ELG_GLD_COLUMNS],
      description: "school_ready is empty when any of elg01–elg12 is A.",
      check: (row: SchoolReadinessRow) =>
        goodLevelOfDevelopment(row) === null && row.school_ready !== null ? "empty, because one of elg01–elg12 is A (absent)" : null,
    },
    {
      code: "school-ready-mismatch",
      column: "school_ready",
      reads: ["school_ready", ...ELG_GLD_COLUMNS],
      description: "school_ready equals the Good Level of Development: Y exactly when every one of elg01–elg12 is 2 or 3.",
      check: (row: SchoolReadinessRow) => {
        const gld = goodLevelOfDevelopment(row);
        if (gld === null || row.school_ready === gld) return null;
        return gld
          ? "Y: every one of elg01–elg12 is 2 or 3 (Good Level of Development)"
          : "N: at least one of elg01–elg12 is 1 (no Good Level of Development)";
      },
    },
  ],
  needsPeriod: false,
});

/* ---------- youth-offending ---------- */

const youthOffending = defineDataset({
  id: "youth-offending",
  title: "Youth offending",
  supplier: { kind: "county-council", name: "Essex County Council" },
  grain: "Rows per address.",
  columns: [
    col.key("address_key", "Pseudonymised address (household)."),
    col.flag("yos_known", "Address known to the youth offending service."),
    optional(
      col.enumOf(
        "offence_category",
        ["violence_against_person", "robbery", "theft", "burglary", "criminal_damage", "drugs", "public_order", "motoring", "sexual", "other"],
        "Offence category.",
      ),
    ),
    optional(col.int("offence_gravity", 1, 8, "Highest offence gravity score.")),
  ] as const,
  unique: null,
  rules: [],
  needsPeriod: false,
});

/* ---------- drug-alcohol ---------- */

const drugAlcohol = defineDataset({
  id: "drug-alcohol",
  title: "Drug and alcohol misuse",
  supplier: { kind: "county-council", name: "Essex County Council" },
  grain: "Rows per address.",
  columns: [
    col.key("address_key", "Pseudonymised address (household)."),
    col.enumOf("in_treatment", ["alcohol", "opiate", "non_opiate", "alcohol_and_non_opiate", "none"], "In treatment for."),
    col.flag("in_treatment_last_12m", "In treatment within the last 12 months."),
    col.flag("successful_completion_last_12m", "Successful completion within the last 12 months."),
    optional(col.enumOf("referral_source", ["self", "gp", "criminal_justice", "social_care", "hospital", "other"], "Referral source.")),
    optional(col.enumOf("intervention_type", ["pharmacological", "psychosocial", "recovery_support"], "Intervention type.")),
  ] as const,
  unique: null,
  rules: [],
  needsPeriod: false,
});

/* ---------- police-crime ---------- */

const RISK_CATEGORIES = ["standard", "medium", "high"] as const;

const policeColumns = [
  col.key("address_key", "Pseudonymised address (household)."),
  col.flag("offender_address", "Offender address."),
  col.flag("present_at_household", "Offender present at household."),
  col.flag("repeat_offender", "Repeat offender."),
  col.flag("asb_address", "Anti-social behaviour (ASB) address."),
  col.flag("incident_at_address", "Incident at address."),
  optional(
    col.enumOf(
      "crime_group",
      ["violence", "sexual", "robbery", "theft", "burglary", "vehicle", "criminal_damage", "drugs", "public_order", "weapons", "other"],
      "Crime group.",
    ),
  ),
  col.flag("asb_drug_related", "ASB drug related."),
  col.flag("asb_alcohol_related", "ASB alcohol related."),
  col.flag("asb_child_present", "ASB child present."),
  col.flag("asb_repeat", "ASB repeat."),
  optional(col.enumOf("asb_risk_category", RISK_CATEGORIES, "ASB risk category: required when asb_address is Y, else empty.")),
  col.flag("dv_victim_address", "Domestic violence (DV) victim address."),
  col.flag("dv_drug_related", "DV drug related."),
  col.flag("dv_alcohol_related", "DV alcohol related."),
  col.flag("dv_child_present", "DV child present."),
  col.flag("dv_repeat_victim", "DV repeat victim."),
  optional(col.enumOf("dv_risk_category", RISK_CATEGORIES, "DV risk category: required when dv_victim_address is Y, else empty.")),
] as const;
export type PoliceCrimeRow = RowOfColumns<typeof policeColumns>;

function riskCategoryRules(
  category: "asb_risk_category" | "dv_risk_category",
  flag: "asb_address" | "dv_victim_address",
): CrossFieldRule<PoliceCrimeRow>[] {
  return [
    {
      code: "risk-category-required",
      column: category,
      reads: [category, flag],
      description: `${category} is required when ${flag} is Y.`,
      check: (row) => (row[flag] && row[category] === null ? `one of ${RISK_CATEGORIES.join(", ")}, because ${flag} is Y` : null),
    },
    {
      code: "risk-category-not-allowed",
      column: category,
      reads: [category, flag],
      description: `${category} is empty when ${flag} is N.`,
      check: (row) => (!row[flag] && row[category] !== null ? `empty, because ${flag} is N` : null),
    },
  ];
}

const policeCrime = defineDataset({
  id: "police-crime",
  title: "Police and crime",
  supplier: { kind: "police", name: "Essex Police" },
  grain: "Rows per address.",
  columns: policeColumns,
  unique: null,
  rules: [...riskCategoryRules("asb_risk_category", "asb_address"), ...riskCategoryRules("dv_risk_category", "dv_victim_address")],
  needsPeriod: false,
});

/* ---------- troubled-families ---------- */

export { BATCH_PERIOD_PATTERN };

/** The earliest attachment date the 2015 agreement covers (6.2a). */
export const TF_EARLIEST_ATTACHED = "2014-09-01";

/** The six headline criteria of the expanded programme. */
export const TF_CRITERIA = [
  "crit_crime_asb",
  "crit_education",
  "crit_children_in_need",
  "crit_worklessness",
  "crit_domestic_abuse",
  "crit_health",
] as const;
export type TfCriterion = (typeof TF_CRITERIA)[number];

/** How many of the six criteria a row meets. */
export function criteriaMet(row: Readonly<Record<TfCriterion, boolean>>): number {
  let met = 0;
  for (const c of TF_CRITERIA) if (row[c]) met++;
  return met;
}

/** The last day (ISO) of a batch period `YYYY-H1` / `YYYY-H2`, or null when it is not one. */
export function periodLastDay(period: string): string | null {
  if (!BATCH_PERIOD_PATTERN.test(period)) return null;
  return `${period.slice(0, 4)}-${period.endsWith("H1") ? "06-30" : "12-31"}`;
}

/** The first day (ISO) of a batch period. */
export function periodFirstDay(period: string): string | null {
  if (!BATCH_PERIOD_PATTERN.test(period)) return null;
  return `${period.slice(0, 4)}-${period.endsWith("H1") ? "01-01" : "07-01"}`;
}

/** The period after `period` (2016-H1 → 2016-H2 → 2017-H1). */
export function nextPeriod(period: string): string | null {
  if (!BATCH_PERIOD_PATTERN.test(period)) return null;
  const year = Number(period.slice(0, 4));
  return period.endsWith("H1") ? `${year}-H2` : `${year + 1}-H1`;
}

const count = <N extends string>(name: N, description: string) => col.int(name, 0, 2_147_483_647, description);

const troubledFamiliesColumns = [
  col.key("family_key", "Pseudonymised family."),
  col.key("person_key", "Pseudonymised person."),
  col.textCode("batch_period", BATCH_PERIOD_PATTERN, "YYYY-H1 or YYYY-H2", "The 6-monthly batch; must match the batch the file is uploaded as."),
  col.enumOf("group", ["treatment", "comparison"], "Evaluation group."),
  col.date("attached_date", "Treatment: date the family joined the programme; comparison: date found eligible."),
  col.enumOf("age_band", ["0-4", "5-10", "11-15", "16-17", "18-24", "25-49", "50+"], "Age band."),
  col.flag("crit_crime_asb", "Eligibility criterion met: crime or anti-social behaviour."),
  col.flag("crit_education", "Eligibility criterion met: education."),
  col.flag("crit_children_in_need", "Eligibility criterion met: children who need help."),
  col.flag("crit_worklessness", "Eligibility criterion met: worklessness."),
  col.flag("crit_domestic_abuse", "Eligibility criterion met: domestic violence and abuse."),
  col.flag("crit_health", "Eligibility criterion met: health."),
  count("offences_before", "Offences in the 12 months before attached_date."),
  count("offences_after", "Offences in the 12 months after attached_date."),
  count("asb_incidents_before", "ASB incidents in the 12 months before attached_date."),
  count("asb_incidents_after", "ASB incidents in the 12 months after attached_date."),
  count("dv_incidents_before", "Domestic violence incidents in the 12 months before attached_date."),
  count("dv_incidents_after", "Domestic violence incidents in the 12 months after attached_date."),
  optional(col.number("absence_rate_before", 0, 100, "School absence rate before, per cent (school-age only).")),
  optional(col.number("absence_rate_after", 0, 100, "School absence rate after, per cent (school-age only).")),
  col.flag("out_of_work_benefits_before", "On out-of-work benefits before."),
  col.flag("out_of_work_benefits_after", "On out-of-work benefits after."),
] as const;
export type TroubledFamiliesRow = RowOfColumns<typeof troubledFamiliesColumns>;

const troubledFamilies = defineDataset({
  id: "troubled-families",
  title: "Troubled Families evaluation",
  supplier: { kind: "local-authority", name: null },
  grain: "One row per person per 6-monthly batch.",
  columns: troubledFamiliesColumns,
  unique: {
    columns: ["person_key"],
    description: "person_key is unique within a batch: one row per person, so each person belongs to one family_key.",
  },
  consistent: [
    {
      key: "family_key",
      column: "group",
      description: "A family is in one group per batch: every row with the same family_key has the same group.",
      reason: "a family is in one group per batch",
    },
  ],
  batchNotes: [
    "Send every family of the period in one file: a family's rows are checked together, and a newer file for the same batch period replaces the older one.",
    "A comparison family that joins the programme later is sent as treatment in the batch of the period it joins, with its new attached_date. Its earlier comparison rows are kept; the evaluation counts the family as treatment from that batch on and no longer as a comparison for earlier cohorts.",
  ],
  rules: [
    {
      code: "attached-before-agreement",
      column: "attached_date",
      reads: ["attached_date"],
      description: `attached_date is on or after ${TF_EARLIEST_ATTACHED} (agreement 6.2a: records from September 2014).`,
      // ISO dates compare correctly as strings.
      check: (row: TroubledFamiliesRow) =>
        row.attached_date < TF_EARLIEST_ATTACHED
          ? `a date on or after ${TF_EARLIEST_ATTACHED} (the agreement covers records from 1 September 2014)`
          : null,
    },
    {
      code: "attached-after-period",
      column: "attached_date",
      reads: ["attached_date"],
      description: "attached_date is not after the last day of the batch period (30 June for H1, 31 December for H2).",
      check: (row: TroubledFamiliesRow, context) => {
        const last = context.period ? periodLastDay(context.period) : null;
        return last !== null && row.attached_date > last ? `a date on or before ${last}, the last day of batch ${context.period}` : null;
      },
    },
    {
      code: "too-few-criteria",
      column: "crit_crime_asb",
      reads: [...TF_CRITERIA],
      description: "Every row meets at least two of the six criteria (crit_*): the expanded programme's eligibility, for both groups.",
      check: (row: TroubledFamiliesRow) => {
        const met = criteriaMet(row);
        return met >= 2
          ? null
          : `at least two of the six criteria (crit_*) set to Y; this row has ${met === 0 ? "none" : "only one"}, so the family is not eligible`;
      },
    },
    {
      code: "batch-period-mismatch",
      column: "batch_period",
      reads: ["batch_period"],
      description: "batch_period equals the batch the file is uploaded as.",
      check: (row: TroubledFamiliesRow, context) =>
        row.batch_period === context.period ? null : `${context.period ?? "(no batch given)"}, the batch this file is uploaded as`,
    },
  ],
  needsPeriod: true,
});

/* ---------- the registry ---------- */

export const DATASETS = {
  "housing-benefits": housingBenefits,
  "social-care": socialCare,
  "school-readiness": schoolReadiness,
  "youth-offending": youthOffending,
  "drug-alcohol": drugAlcohol,
  "police-crime": policeCrime,
  "troubled-families": troubledFamilies,
} as const satisfies { [Id in DatasetId]: DatasetDef<Id, readonly ColumnDef[]> };

export type Datasets = typeof DATASETS;
export type DatasetOf<Id extends DatasetId> = Datasets[Id];

/** The normalised (validated) row of a dataset, as the pipeline hands it on. */
export type RowOf<Id extends DatasetId> = RowOfColumns<Datasets[Id]["columns"]>;

export type YouthOffendingRow = RowOf<"youth-offending">;
export type DrugAlcoholRow = RowOf<"drug-alcohol">;

/** Untyped view for code that handles any dataset generically. */
export function getDataset(id: DatasetId): DatasetDef {
  return DATASETS[id] as unknown as DatasetDef;
}

/** Columns that hold pseudonyms: their values are never echoed in reports. */
export function isKeyColumn(column: ColumnDef): boolean {
  return column.kind === "key";
}
