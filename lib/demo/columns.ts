import "server-only";
import { DATASET_IDS, DATASETS, ELG_COLUMNS, type DatasetId } from "@/lib/datasets";

/*
 * Headers come from the dataset registry, the one definition of the partner data specification, in
 * its column order. Partners may use any order, which quirks mode exercises.
 */

export { ELG_COLUMNS, type DatasetId };

export const DATASET_COLUMNS = Object.fromEntries(DATASET_IDS.map((id) => [id, DATASETS[id].columns.map((c) => c.name)])) as unknown as Record<
  DatasetId,
  readonly string[]
>;

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

export type Row = Record<string, string>;
