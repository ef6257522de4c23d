import "server-only";
import type { OutputArea } from "./geography";
import { logistic, type Rng } from "./rng";

/*
 * The latent model. Every household has one deprivation score D ~ N(ward/OA shift, 1); each partner's
 * record is a noisy logistic function of D (and of each other, where services refer to each other), so
 * that benefits, social housing, arrears, police and DV incidents, treatment, youth offending and social
 * care cluster in the same households, as they do in the pilot's linked data. The coefficients are
 * synthetic, tuned so prevalences land near the figures listed in docs/decisions/030-demo-data.md.
 */

export type Tenure = "owner_occupied" | "private_rented" | "social_rented" | "shared_ownership" | "temporary_accommodation" | "other";

const BANDS = ["A", "B", "C", "D", "E", "F", "G", "H"] as const;
export type CouncilTaxBand = (typeof BANDS)[number];
// Band D for the year (synthetic, in the range of Basildon's 2016/17 charge) and the statutory ninths.
const BAND_D_PENCE = 160_155;
const BAND_NINTHS: Record<CouncilTaxBand, number> = { A: 6, B: 7, C: 8, D: 9, E: 11, F: 13, G: 15, H: 18 };

/** Money is held in whole pence so that net <= gross survives formatting. */
export type Pence = number;

export interface HousingBenefitsRecord {
  councilTaxBand: CouncilTaxBand;
  ctrPct: number | null;
  ctrPence: Pence | null;
  housingBenefitPence: Pence | null;
  arrearsPence: Pence | null;
  childBenefit: boolean;
  childTaxCredits: boolean;
  loneParentPremium: boolean;
  incapacityBenefit: boolean;
  longTermFamilyPremium: boolean;
  employmentGross: Pence | null;
  employmentNet: Pence | null;
  selfEmploymentGross: Pence | null;
  selfEmploymentNet: Pence | null;
  earnedIncomeDisregard: Pence | null;
  childcareDisregard: Pence | null;
}

export type RiskCategory = "standard" | "medium" | "high";

export interface PoliceRecord {
  offender: boolean;
  presentAtHousehold: boolean;
  repeatOffender: boolean;
  asb: boolean;
  incident: boolean;
  crimeGroup: string | null;
  asbDrug: boolean;
  asbAlcohol: boolean;
  asbChildPresent: boolean;
  asbRepeat: boolean;
  asbRisk: RiskCategory | null;
  dv: boolean;
  dvDrug: boolean;
  dvAlcohol: boolean;
  dvChildPresent: boolean;
  dvRepeat: boolean;
  dvRisk: RiskCategory | null;
}

export type Treatment = "alcohol" | "opiate" | "non_opiate" | "alcohol_and_non_opiate" | "none";

export interface DrugAlcoholRecord {
  inTreatment: Treatment;
  last12m: boolean;
  successfulCompletion: boolean;
  referralSource: string | null;
  interventionType: string | null;
}

export interface YouthOffendingRecord {
  known: boolean;
  offenceCategory: string | null;
  gravity: number | null;
}

export interface Household {
  index: number;
  oa: OutputArea;
  deprivation: number;
  family: boolean;
  tenure: Tenure;
  socialHousing: boolean;
  claimant: boolean;
  loneParent: boolean;
  working: boolean;
  /** The household's full benefits picture; written only if `inHousingBenefitsFile`. */
  benefits: HousingBenefitsRecord;
  inHousingBenefitsFile: boolean;
  police: PoliceRecord | null;
  drugAlcohol: DrugAlcoholRecord | null;
  youthOffending: YouthOffendingRecord | null;
  ethnicity: string;
}

/** Drawn in the first pass, from a stream of its own, so the cohort can be placed before the full pass. */
export interface HouseholdCore {
  deprivation: number;
  family: boolean;
}

export function drawHouseholdCore(rng: Rng, oa: OutputArea): HouseholdCore {
  const deprivation = rng.normal(oa.deprivationShift, 1);
  return { deprivation, family: rng.chance(0.4 + 0.08 * Math.tanh(deprivation)) };
}

const ETHNICITY_WEIGHTS: readonly (readonly [string, number])[] = [
  ["WBRI", 780],
  ["WOTH", 35],
  ["WIRI", 4],
  ["WIRT", 1],
  ["WROM", 2],
  ["MWBC", 18],
  ["MWBA", 12],
  ["MWAS", 10],
  ["MOTH", 14],
  ["AIND", 12],
  ["APKN", 5],
  ["ABAN", 6],
  ["AOTH", 8],
  ["BAFR", 45],
  ["BCRB", 6],
  ["BOTH", 4],
  ["CHNE", 4],
  ["OOTH", 8],
  ["REFU", 8],
  ["NOBT", 3],
];

export function drawEthnicity(rng: Rng): string {
  return rng.weighted(ETHNICITY_WEIGHTS);
}

function pence(pounds: number): Pence {
  return Math.max(0, Math.round(pounds * 100));
}

/** A share of gross, floored in pence, so the net figure can never exceed the gross one. */
function netOf(gross: Pence, share: number): Pence {
  return Math.floor(gross * share);
}

function drawTenure(rng: Rng, d: number): Tenure {
  const z = d + rng.normal(0, 0.7);
  const r = rng.next();
  if (z > 1.9 && r < 0.1) return "temporary_accommodation";
  if (r < 0.02) return "shared_ownership";
  if (r < 0.03) return "other";
  if (z > 1.1) return "social_rented";
  if (z > 0.35) return "private_rented";
  return "owner_occupied";
}

function drawBand(rng: Rng, d: number, tenure: Tenure): CouncilTaxBand {
  const lift = tenure === "owner_occupied" ? 1.2 : tenure === "shared_ownership" ? 0.5 : 0;
  const index = Math.floor(1.6 + lift - 0.8 * d + rng.normal(0, 0.9));
  return BANDS[Math.min(BANDS.length - 1, Math.max(0, index))] as CouncilTaxBand;
}

function drawRisk(rng: Rng): RiskCategory {
  return rng.weighted<RiskCategory>([
    ["standard", 0.62],
    ["medium", 0.28],
    ["high", 0.1],
  ]);
}

const CRIME_GROUPS: readonly (readonly [string, number])[] = [
  ["violence", 30],
  ["sexual", 3],
  ["robbery", 2],
  ["theft", 18],
  ["burglary", 9],
  ["vehicle", 8],
  ["criminal_damage", 14],
  ["drugs", 6],
  ["public_order", 6],
  ["weapons", 1],
  ["other", 3],
];

function drawPolice(rng: Rng, d: number, h: { family: boolean; loneParent: boolean }): PoliceRecord {
  const dv = rng.chance(logistic(-1.1 + 0.45 * d + 0.6 * (h.loneParent ? 1 : 0)));
  const asb = rng.chance(logistic(-0.7 + 0.35 * d));
  const offender = rng.chance(logistic(-0.9 + 0.45 * d));
  let incident = dv || rng.chance(0.45);
  if (!dv && !asb && !offender) incident = true;
  const childPresentP = h.family ? 0.6 : 0.04;
  return {
    offender,
    presentAtHousehold: offender && rng.chance(0.6),
    repeatOffender: offender && rng.chance(0.3),
    asb,
    incident,
    crimeGroup: incident || offender ? rng.weighted(CRIME_GROUPS) : null,
    asbDrug: asb && rng.chance(0.18),
    asbAlcohol: asb && rng.chance(0.3),
    asbChildPresent: asb && rng.chance(childPresentP * 0.6),
    asbRepeat: asb && rng.chance(0.35),
    asbRisk: asb ? drawRisk(rng) : null,
    dv,
    dvDrug: dv && rng.chance(0.2),
    dvAlcohol: dv && rng.chance(0.38),
    dvChildPresent: dv && rng.chance(childPresentP),
    dvRepeat: dv && rng.chance(0.35),
    dvRisk: dv ? drawRisk(rng) : null,
  };
}

function drawDrugAlcohol(rng: Rng): DrugAlcoholRecord {
  const inTreatment = rng.weighted<Treatment>([
    ["alcohol", 35],
    ["opiate", 20],
    ["non_opiate", 15],
    ["alcohol_and_non_opiate", 10],
    ["none", 20],
  ]);
  const current = inTreatment !== "none";
  const last12m = current || rng.chance(0.7);
  const successfulCompletion = current ? rng.chance(0.1) : last12m && rng.chance(0.55);
  const referralSource = rng.chance(0.05)
    ? null
    : rng.weighted([
        ["self", 40],
        ["gp", 15],
        ["criminal_justice", 20],
        ["social_care", 8],
        ["hospital", 7],
        ["other", 10],
      ]);
  let interventionType: string | null;
  if (!last12m && rng.chance(0.5)) interventionType = null;
  else if (inTreatment === "opiate") {
    interventionType = rng.weighted([
      ["pharmacological", 70],
      ["psychosocial", 20],
      ["recovery_support", 10],
    ]);
  } else {
    interventionType = rng.weighted([
      ["pharmacological", 10],
      ["psychosocial", 65],
      ["recovery_support", 25],
    ]);
  }
  return { inTreatment, last12m, successfulCompletion, referralSource, interventionType };
}

const OFFENCES: readonly (readonly [string, number, number, number])[] = [
  // category, weight, min gravity, max gravity (typical of the Youth Justice Board gravity scale)
  ["violence_against_person", 28, 3, 5],
  ["robbery", 5, 5, 6],
  ["theft", 20, 1, 3],
  ["burglary", 8, 4, 5],
  ["criminal_damage", 12, 2, 3],
  ["drugs", 9, 2, 4],
  ["public_order", 8, 2, 3],
  ["motoring", 5, 1, 3],
  ["sexual", 2, 5, 7],
  ["other", 3, 1, 3],
];

function drawYouthOffending(rng: Rng): YouthOffendingRecord {
  if (rng.chance(0.08)) return { known: false, offenceCategory: null, gravity: null };
  const [category, , min, max] = rng.weighted(OFFENCES.map((o) => [o, o[1]] as const));
  return { known: true, offenceCategory: category, gravity: rng.chance(0.03) ? null : Math.min(8, rng.int(min, max) + (rng.chance(0.05) ? 1 : 0)) };
}

function drawBenefits(
  rng: Rng,
  d: number,
  h: { family: boolean; claimant: boolean; loneParent: boolean; working: boolean; tenure: Tenure },
): HousingBenefitsRecord {
  const councilTaxBand = drawBand(rng, d, h.tenure);
  const none: HousingBenefitsRecord = {
    councilTaxBand,
    ctrPct: null,
    ctrPence: null,
    housingBenefitPence: null,
    arrearsPence: rng.chance(logistic(-3.2 + 0.9 * d)) ? pence(rng.logNormal(380, 0.9)) : null,
    childBenefit: false,
    childTaxCredits: false,
    loneParentPremium: false,
    incapacityBenefit: false,
    longTermFamilyPremium: false,
    employmentGross: null,
    employmentNet: null,
    selfEmploymentGross: null,
    selfEmploymentNet: null,
    earnedIncomeDisregard: null,
    childcareDisregard: null,
  };
  // Non-claimants appear only through council tax: the benefit columns describe a claim they do not have.
  if (!h.claimant) return none;

  const selfEmployed = h.working && rng.chance(0.1);
  const employed = h.working && (!selfEmployed || rng.chance(0.2));
  const employmentGross = employed ? pence(rng.logNormal(255, 0.45)) : null;
  const selfEmploymentGross = selfEmployed ? pence(rng.logNormal(170, 0.6)) : null;
  const employmentNet = employmentGross === null ? null : netOf(employmentGross, 0.78 + 0.14 * rng.next());
  const selfEmploymentNet = selfEmploymentGross === null ? null : netOf(selfEmploymentGross, 0.6 + 0.3 * rng.next());
  const earnings = (employmentNet ?? 0) + (selfEmploymentNet ?? 0);

  const ctrPct = h.working ? Math.max(5, Math.min(100, Math.round(1000 - (earnings / 100 - 120) * 2.2) / 10)) : 100;
  const bandCharge = (BAND_D_PENCE * BAND_NINTHS[councilTaxBand]) / 9;
  const ctrPence = Math.round((bandCharge * ctrPct) / 100);
  // Some CTR systems exported only one of the two figures.
  const ctrForm = rng.next();

  let housingBenefitPence: Pence | null = null;
  if (h.tenure === "social_rented" || h.tenure === "private_rented" || h.tenure === "temporary_accommodation") {
    const weeklyRent = h.tenure === "social_rented" ? rng.logNormal(98, 0.12) : rng.logNormal(165, 0.15);
    const share = h.working ? 0.2 + 0.6 * rng.next() : 0.85 + 0.15 * rng.next();
    housingBenefitPence = pence(weeklyRent * share * 52);
  }

  const children = h.family ? rng.int(1, 4) : 0;
  const childcare = h.working && h.family && rng.chance(0.3) ? pence(Math.min(children > 1 ? 300 : 175, Math.round(rng.logNormal(85, 0.5)))) : null;

  return {
    ...none,
    ctrPct: ctrForm < 0.1 ? null : ctrPct,
    ctrPence: ctrForm > 0.95 ? null : ctrPence,
    housingBenefitPence,
    arrearsPence: rng.chance(logistic(-1.9 + 0.9 * d)) ? pence(rng.logNormal(420, 0.9)) : null,
    childBenefit: h.family && rng.chance(0.95),
    childTaxCredits: h.family && rng.chance(logistic(0.8 + 0.6 * d)),
    loneParentPremium: h.family && h.loneParent,
    incapacityBenefit: rng.chance(logistic(-1.9 + 0.5 * d)),
    longTermFamilyPremium: h.family && rng.chance(0.3),
    employmentGross,
    employmentNet,
    selfEmploymentGross,
    selfEmploymentNet,
    // The statutory HB earnings disregards: lone parent 25, couple 10, single 5 (pounds a week).
    earnedIncomeDisregard: h.working ? pence(h.loneParent ? 25 : h.family ? 10 : 5) : null,
    childcareDisregard: childcare,
  };
}

/** Share of non-claimant households the council's extract includes (council tax records sampled). */
export const NON_CLAIMANT_SAMPLE = 0.18;

export function drawHousehold(rng: Rng, index: number, oa: OutputArea, core: HouseholdCore): Household {
  const d = core.deprivation;
  const family = core.family;
  const tenure = drawTenure(rng, d);
  const socialHousing = tenure === "social_rented";
  const loneParent = family && rng.chance(logistic(-1.3 + 0.9 * d));
  const claimant = rng.chance(logistic(-1.9 + 1.2 * d + (socialHousing ? 0.9 : 0) + (tenure === "private_rented" ? 0.3 : 0) + (family ? 0.3 : 0)));
  const working = rng.chance(claimant ? logistic(0.1 - 0.6 * d - (loneParent ? 0.5 : 0)) : 0.85);
  const benefits = drawBenefits(rng, d, { family, claimant, loneParent, working, tenure });
  const inHousingBenefitsFile = claimant || rng.chance(NON_CLAIMANT_SAMPLE);

  const police = rng.chance(logistic(-3.1 + 1.0 * d + (socialHousing ? 0.3 : 0))) ? drawPolice(rng, d, { family, loneParent }) : null;
  const drugAlcohol = rng.chance(logistic(-4.2 + 0.8 * d + (police ? 0.6 : 0))) ? drawDrugAlcohol(rng) : null;
  const youthOffending = family && rng.chance(logistic(-4.1 + 0.8 * d + (police?.offender ? 0.8 : 0))) ? drawYouthOffending(rng) : null;

  return {
    index,
    oa,
    deprivation: d,
    family,
    tenure,
    socialHousing,
    claimant,
    loneParent,
    working,
    benefits,
    inHousingBenefitsFile,
    police,
    drugAlcohol,
    youthOffending,
    ethnicity: drawEthnicity(rng),
  };
}

/** Risk flags of a household as the linked data would show them (used by the child model). */
export function householdRisks(h: Household): {
  benefits: boolean;
  socialHousing: boolean;
  arrears: boolean;
  police: boolean;
  domesticViolence: boolean;
  drugAlcohol: boolean;
  youthOffending: boolean;
} {
  return {
    benefits: h.claimant,
    socialHousing: h.socialHousing,
    arrears: h.benefits.arrearsPence !== null,
    police: h.police !== null,
    domesticViolence: h.police?.dv ?? false,
    drugAlcohol: h.drugAlcohol !== null && (h.drugAlcohol.inTreatment !== "none" || h.drugAlcohol.last12m),
    youthOffending: h.youthOffending?.known ?? false,
  };
}
