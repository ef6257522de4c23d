import "server-only";
import { ELG_COLUMNS } from "./columns";
import type { Rng } from "./rng";

export type ElgScore = "1" | "2" | "3" | "A";

/** The 12 goals of the prime areas plus literacy and mathematics, which decide GLD. */
export const GLD_GOALS = 12;

/**
 * Good Level of Development: at least "expected" (2) in each of the first 12 goals. A child absent from
 * any of them is excluded from the measure, hence null.
 */
export function goodLevelOfDevelopment(scores: readonly ElgScore[]): boolean | null {
  const gldScores = scores.slice(0, GLD_GOALS);
  if (gldScores.length !== GLD_GOALS) throw new RangeError("need scores for elg01 to elg12");
  if (gldScores.includes("A")) return null;
  return gldScores.every((s) => s !== "1");
}

/*
 * Each goal is the child's latent development plus goal-specific noise, cut at two thresholds. Writing
 * and reading have the highest "expected" bar, as in the national EYFSP results where they are the goals
 * children most often miss; the physical goals the lowest.
 */
const EXPECTED_THRESHOLD: readonly number[] = [
  -0.55,
  -0.5,
  -0.45, // communication and language
  -0.75,
  -0.8, // physical development
  -0.6,
  -0.5,
  -0.6, // personal, social and emotional
  -0.2,
  0.0, // literacy
  -0.3,
  -0.35, // mathematics
  -0.6,
  -0.55,
  -0.7, // understanding the world
  -0.7,
  -0.65, // expressive arts and design
];
// "Exceeding" is rarer than "emerging" in every goal nationally, so its bar is absolute and high.
const EXCEEDING_THRESHOLD: readonly number[] = [2.2, 2.2, 2.2, 2.1, 2.1, 2.2, 2.2, 2.2, 2.35, 2.45, 2.3, 2.3, 2.25, 2.25, 2.15, 2.25, 2.25];
const GOAL_NOISE_SD = 0.5;

/**
 * Draws 17 ELG scores from a latent development score. A few children are absent: most of them for the
 * whole profile, some for one goal only, which may or may not be one of the GLD goals.
 */
export function drawElgScores(rng: Rng, development: number): ElgScore[] {
  const scores = EXPECTED_THRESHOLD.map((threshold, goal): ElgScore => {
    const x = development + rng.normal(0, GOAL_NOISE_SD);
    return x < threshold ? "1" : x > (EXCEEDING_THRESHOLD[goal] as number) ? "3" : "2";
  });
  const absence = rng.next();
  if (absence < 0.006) return scores.map(() => "A");
  if (absence < 0.009) scores[rng.int(0, GLD_GOALS - 1)] = "A";
  else if (absence < 0.012) scores[rng.int(GLD_GOALS, ELG_COLUMNS.length - 1)] = "A";
  return scores;
}
