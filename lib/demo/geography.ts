import "server-only";
import { POSTCODE_CAPACITY } from "./identities";
import { Rng } from "./rng";

/*
 * Synthetic output areas: Vange ward (30 OAs, as the real ward has about 30) and a slice of the rest of
 * Basildon for comparison. Codes have the real E00 + 6 digits shape but are drawn from a fixed stream,
 * independent of the population seed, so every demo run shares one map.
 */

export type Area = "vange" | "rest";

export interface OutputArea {
  index: number;
  code: string;
  ward: string;
  area: Area;
  schoolDistrict: string;
  /** Mean shift of the latent household deprivation score in this OA (ward mean + OA noise). */
  deprivationShift: number;
  firstHousehold: number;
  households: number;
  /** Postcode units are allocated per block of neighbouring households. */
  blocks: number;
  firstBlock: number;
}

interface WardProfile {
  name: string;
  district: string;
  deprivation: number;
}

export const VANGE_WARD: WardProfile = { name: "Vange", district: "BAS-VANGE", deprivation: 0.6 };

// Ordered so that the first few (all a default run uses) mix affluent and deprived wards, as Basildon does.
export const REST_WARDS: readonly WardProfile[] = [
  { name: "Pitsea South East", district: "BAS-PITSEA", deprivation: 0.5 },
  { name: "Billericay East", district: "BAS-BILLERICAY", deprivation: -0.5 },
  { name: "Lee Chapel North", district: "BAS-CENTRAL", deprivation: 0.5 },
  { name: "Wickford North", district: "BAS-WICKFORD", deprivation: -0.1 },
  { name: "Laindon Park", district: "BAS-LAINDON", deprivation: 0.3 },
  { name: "Langdon Hills", district: "BAS-LAINDON", deprivation: -0.2 },
  { name: "Fryerns", district: "BAS-CENTRAL", deprivation: 0.55 },
  { name: "Billericay West", district: "BAS-BILLERICAY", deprivation: -0.6 },
  { name: "Pitsea North West", district: "BAS-PITSEA", deprivation: 0.5 },
  { name: "Nethermayne", district: "BAS-CENTRAL", deprivation: 0.2 },
  { name: "Wickford Castledon", district: "BAS-WICKFORD", deprivation: -0.2 },
  { name: "St Martin's", district: "BAS-CENTRAL", deprivation: 0.4 },
  { name: "Burstead", district: "BAS-BILLERICAY", deprivation: -0.4 },
  { name: "Wickford Park", district: "BAS-WICKFORD", deprivation: 0 },
  { name: "Crouch", district: "BAS-WICKFORD", deprivation: -0.3 },
];

export const VANGE_OUTPUT_AREAS = 30;
const MIN_REST_OUTPUT_AREAS = 8;
const REST_HOUSEHOLDS_PER_OA = 125;
const VANGE_SHARE = 0.75;
const VANGE_MAX_HOUSEHOLDS = 3_900;
const HOUSEHOLDS_PER_POSTCODE = 18;
const OA_NOISE_SD = 0.3;
const GEOGRAPHY_SEED = 0x0e5e_0016;

export interface Geography {
  outputAreas: OutputArea[];
  households: number;
  vangeHouseholds: number;
  restHouseholds: number;
}

function splitEvenly(total: number, parts: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < parts; k++) out.push(Math.floor(((k + 1) * total) / parts) - Math.floor((k * total) / parts));
  return out;
}

/**
 * Vange keeps ~3/4 of a small population (the pilot's focus) but never more than a real ward's worth of
 * households; any larger population is "rest of Basildon", so a benchmark run grows the district, not Vange.
 */
export function buildGeography(households: number): Geography {
  if (!Number.isInteger(households) || households < VANGE_OUTPUT_AREAS + MIN_REST_OUTPUT_AREAS) {
    throw new RangeError(`households must be an integer >= ${VANGE_OUTPUT_AREAS + MIN_REST_OUTPUT_AREAS}`);
  }
  const vangeHouseholds = Math.min(Math.round(households * VANGE_SHARE), VANGE_MAX_HOUSEHOLDS);
  const restHouseholds = households - vangeHouseholds;
  const restOas = Math.min(Math.max(MIN_REST_OUTPUT_AREAS, Math.ceil(restHouseholds / REST_HOUSEHOLDS_PER_OA)), POSTCODE_CAPACITY.rest);
  const rng = new Rng(GEOGRAPHY_SEED);
  const outputAreas: OutputArea[] = [];
  let code = 160_000 + rng.int(0, 4_000);
  let firstHousehold = 0;
  const blockCursor: Record<Area, number> = { vange: 0, rest: 0 };

  const add = (area: Area, ward: WardProfile, size: number, oaCount: number) => {
    const capacityPerOa = Math.floor(POSTCODE_CAPACITY[area] / oaCount);
    const blocks = Math.max(1, Math.min(Math.round(size / HOUSEHOLDS_PER_POSTCODE), capacityPerOa));
    outputAreas.push({
      index: outputAreas.length,
      code: `E00${String(code).padStart(6, "0")}`,
      ward: ward.name,
      area,
      schoolDistrict: ward.district,
      deprivationShift: ward.deprivation + rng.normal(0, OA_NOISE_SD),
      firstHousehold,
      households: size,
      blocks,
      firstBlock: blockCursor[area],
    });
    blockCursor[area] += blocks;
    firstHousehold += size;
    code += rng.int(1, 9);
  };

  for (const size of splitEvenly(vangeHouseholds, VANGE_OUTPUT_AREAS)) add("vange", VANGE_WARD, size, VANGE_OUTPUT_AREAS);
  // Rest-of-district codes come from a separate, later range, as a different ward's would.
  code = Math.max(code, 180_000) + rng.int(0, 2_000);
  splitEvenly(restHouseholds, restOas).forEach((size, k) => {
    add("rest", REST_WARDS[k % REST_WARDS.length] as WardProfile, size, restOas);
  });
  return { outputAreas, households, vangeHouseholds, restHouseholds };
}
