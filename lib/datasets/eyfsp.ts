import type { ElgScore } from "@/lib/datasets/columns";

/** The 12 early learning goals of the prime areas plus literacy and mathematics: the GLD basis. */
export const ELG_GLD_COLUMNS = [
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
] as const;

/** All 17 early learning goals (EYFSP 2016). */
export const ELG_COLUMNS = [
  ...ELG_GLD_COLUMNS,
  "elg13_people_communities",
  "elg14_the_world",
  "elg15_technology",
  "elg16_media_materials",
  "elg17_being_imaginative",
] as const;

export type ElgColumnName = (typeof ELG_COLUMNS)[number];
export type ElgScores = { readonly [K in ElgColumnName]: ElgScore };
export type GldScores = { readonly [K in (typeof ELG_GLD_COLUMNS)[number]]: ElgScore };

/**
 * Good Level of Development: at least "expected" (2) in each of elg01–elg12.
 * `null` when any of them is absent (`A`), because the child is then excluded from the measure.
 */
export function goodLevelOfDevelopment(scores: GldScores): boolean | null {
  let gld = true;
  for (const name of ELG_GLD_COLUMNS) {
    const score = scores[name];
    if (score === null) return null;
    if (score < 2) gld = false;
  }
  return gld;
}

/** Total point score over all 17 goals (17–51); `null` when any goal is absent. */
export function totalPointScore(scores: ElgScores): number | null {
  let total = 0;
  for (const name of ELG_COLUMNS) {
    const score = scores[name];
    if (score === null) return null;
    total += score;
  }
  return total;
}
