import { Rng, logistic } from "@/lib/demo/rng";
import { TF_AGE_BANDS, type TfAgeBand, type TfPerson } from "./types";

/**
 * Synthetic Troubled Families batches with a known answer (decision 093). Selection is on
 * observables only: a family's chance of being worked with rises with the number of criteria
 * it meets and with its members' offending before attachment. The untreated trend depends on the
 * same things (families meeting more criteria improve more on their own, as troubled periods
 * pass), so the naive comparison credits the programme with that natural improvement; matching
 * on the criteria and before-values removes it. The programme's effect on the expected change is
 * exactly `PLANTED_EFFECT` for every treated person (offences, ASB, DV per person per year,
 * benefits in percentage points, absence in points).
 */
export const PLANTED_EFFECT = {
  offences: -0.15,
  asb_incidents: -0.2,
  dv_incidents: -0.1,
  absence_rate: -3,
  out_of_work_benefits: -8,
} as const;

export const TF_DEMO_PERIODS = ["2015-H2", "2016-H1", "2016-H2", "2017-H1"] as const;

export interface TfGenerateOptions {
  readonly seed: number;
  readonly councils?: readonly string[];
  readonly periods?: readonly string[];
  /** Families per council and period, before some turn out not eligible. */
  readonly familiesPerBatch?: number;
  /** Share of comparison families that join the programme in the next batch. */
  readonly laterJoiners?: number;
}

function hex(rng: Rng): string {
  let s = "";
  for (let i = 0; i < 8; i++) s += (rng.int(0, 0xffff) * 0x10000 + rng.int(0, 0xffff)).toString(16).padStart(8, "0");
  return s;
}

const bandOf = (age: number): TfAgeBand =>
  age < 5 ? "0-4" : age < 11 ? "5-10" : age < 16 ? "11-15" : age < 18 ? "16-17" : age < 25 ? "18-24" : age < 50 ? "25-49" : "50+";

/** The first and last day of a period, as day numbers since 1970. */
function periodDays(period: string): [number, number] {
  const year = Number(period.slice(0, 4));
  const h1 = period.endsWith("H1");
  const first = Date.UTC(year, h1 ? 0 : 6, 1) / 86_400_000;
  const last = Date.UTC(year, h1 ? 5 : 11, h1 ? 30 : 31) / 86_400_000;
  return [first, last];
}

export interface GeneratedPerson extends TfPerson {
  /** ISO attachment date within the period (the dataset's attached_date). */
  readonly attachedDate: string;
}

/**
 * Families, person by person, for each council and period. A few comparison families are sent
 * again as treatment in the next period (they joined the programme), with a new attachment date.
 */
export function generateTroubledFamilies(options: TfGenerateOptions): GeneratedPerson[] {
  const councils = options.councils ?? ["council-a", "council-b"];
  const periods = options.periods ?? TF_DEMO_PERIODS;
  const perBatch = options.familiesPerBatch ?? 200;
  const laterJoiners = options.laterJoiners ?? 0.05;
  const out: GeneratedPerson[] = [];
  councils.forEach((council, ci) => {
    let joiners: GeneratedPerson[][] = [];
    periods.forEach((period, pi) => {
      const rng = Rng.for(options.seed, 9_201, ci, pi);
      const [first, last] = periodDays(period);
      const attached = () => new Date((first + rng.int(0, last - first)) * 86_400_000).toISOString().slice(0, 10);
      // Last period's joiners: the same family and people, now treated, with outcomes from the new date.
      const next: GeneratedPerson[][] = [];
      for (const family of joiners) {
        const again = generateFamily(rng, council, period, attached(), templates.get(family[0]!));
        if (again) out.push(...again);
      }
      for (let f = 0; f < perBatch; f++) {
        const family = generateFamily(rng, council, period, attached());
        if (!family) continue;
        out.push(...family);
        if (family[0]!.group === "comparison" && pi + 1 < periods.length && rng.chance(laterJoiners)) next.push(family);
      }
      joiners = next;
    });
  });
  return out;
}

interface FamilyTemplate {
  readonly familyKey: string;
  readonly criteria: readonly boolean[];
  readonly ages: readonly number[];
  readonly personKeys: readonly string[];
  readonly frailty: number;
}

/** The family behind each generated family's first person, so a later batch can send it again. */
const templates = new WeakMap<GeneratedPerson, FamilyTemplate>();

function generateFamily(rng: Rng, council: string, cohort: string, attachedDate: string, joining?: FamilyTemplate): GeneratedPerson[] | null {
  const criteria = joining?.criteria ?? [0.55, 0.45, 0.35, 0.5, 0.3, 0.4].map((p) => rng.chance(p));
  const met = criteria.filter(Boolean).length;
  if (met < 2) return null;
  const familyKey = joining?.familyKey ?? hex(rng);
  // Members: one or two adults and up to four children.
  let ages: number[];
  if (joining) ages = [...joining.ages];
  else {
    ages = [rng.int(22, 55)];
    if (rng.chance(0.5)) ages.push(rng.int(22, 55));
    const children = rng.int(0, 4);
    for (let c = 0; c < children; c++) ages.push(rng.int(0, 17));
  }
  const personKeys = joining?.personKeys ?? ages.map(() => hex(rng));
  // How troubled the family is beyond what is recorded (shared by its members): this clusters outcomes.
  const frailty = joining?.frailty ?? 0.6 + 0.8 * rng.next();
  const drop = 1 - 0.09 * met;

  const members = ages.map((age) => {
    const adult = age >= 18;
    const offendingAge = age >= 11;
    const lOff = offendingAge ? frailty * (0.25 + (criteria[0] ? 0.5 : 0) + 0.06 * met) : 0;
    const lAsb = offendingAge ? frailty * (0.3 + (criteria[0] ? 0.6 : 0)) : 0;
    const lDv = age >= 16 ? frailty * (0.2 + (criteria[4] ? 0.7 : 0)) : 0;
    const school = age >= 5 && age <= 15;
    const absenceBase = school ? Math.min(90, (criteria[1] ? 14 : 5) + 2 * met + 4 * rng.next()) : null;
    const workless = adult ? (criteria[3] ? 0.85 : 0.25) : 0;
    return {
      age,
      adult,
      offendingAge,
      lOff,
      lAsb,
      lDv,
      school,
      absenceBase,
      workless,
      offBefore: rng.poisson(lOff),
    };
  });
  // Selection on observables: the criteria and the person's own offending before (both in the propensity model).
  const offendingBefore = Math.max(...members.map((m) => m.offBefore));
  const treated = joining !== undefined || rng.chance(logistic(-3.4 + 0.75 * met + 0.3 * Math.min(offendingBefore, 3)));
  const group = treated ? "treatment" : "comparison";
  const template: FamilyTemplate = { familyKey, criteria, ages, personKeys, frailty };

  const people = members.map((m, k) => {
    const effect = (k: keyof typeof PLANTED_EFFECT) => (treated ? PLANTED_EFFECT[k] : 0);
    // Untreated "after" means fall by `drop`; the effect is added to the mean, so E[after − before] shifts by it exactly.
    const countAfter = (lambda: number, k: "offences" | "asb_incidents" | "dv_incidents") =>
      lambda > 0 ? rng.poisson(Math.max(0, lambda * drop + effect(k))) : 0;
    const benefitBefore = m.adult && rng.chance(m.workless) ? 1 : 0;
    const pAfter = m.adult ? m.workless * (0.7 + 0.04 * (6 - met)) + effect("out_of_work_benefits") / 100 : 0;
    const absenceAfter = m.absenceBase === null ? null : m.absenceBase * drop + effect("absence_rate") + 3 * rng.normal();
    const absenceBefore = m.absenceBase === null ? null : m.absenceBase + 3 * rng.normal();
    const clamp = (v: number) => Math.round(Math.min(100, Math.max(0, v)) * 10) / 10;
    return {
      familyKey,
      personKey: personKeys[k]!,
      council,
      cohort,
      group,
      ageBand: bandOf(m.age),
      criteria,
      attachedDate,
      outcomes: {
        offences: { before: m.offBefore, after: countAfter(m.lOff, "offences") },
        asb_incidents: { before: rng.poisson(m.lAsb), after: countAfter(m.lAsb, "asb_incidents") },
        dv_incidents: { before: rng.poisson(m.lDv), after: countAfter(m.lDv, "dv_incidents") },
        absence_rate: absenceBefore === null ? null : { before: clamp(absenceBefore), after: clamp(absenceAfter!) },
        out_of_work_benefits: { before: benefitBefore, after: m.adult && rng.chance(Math.max(0, pAfter)) ? 1 : 0 },
      },
    } satisfies GeneratedPerson;
  });
  templates.set(people[0]!, template);
  return people;
}

export { TF_AGE_BANDS };
