/**
 * The Troubled Families evaluation: the person records it reads and the results it produces.
 * Pure data: no database, no HTTP (decision 092).
 */

export const TF_GROUPS = ["treatment", "comparison"] as const;
export type TfGroup = (typeof TF_GROUPS)[number];

export const TF_AGE_BANDS = ["0-4", "5-10", "11-15", "16-17", "18-24", "25-49", "50+"] as const;
export type TfAgeBand = (typeof TF_AGE_BANDS)[number];

const FROM_11 = ["11-15", "16-17", "18-24", "25-49", "50+"] as const;
const FROM_16 = ["16-17", "18-24", "25-49", "50+"] as const;
const ADULTS = ["18-24", "25-49", "50+"] as const;

/**
 * The five outcomes, each measured in the 12 months before and after attached_date, and the age
 * bands each is measured on: offences and ASB from 11 (the first band wholly above the age of
 * criminal responsibility, 10), domestic abuse from 16 (the statutory definition's age), benefits
 * for adults, absence where the dataset gives it (school age). Counting younger people in would
 * only add zeros and dilute the estimate.
 */
export const TF_OUTCOMES = [
  { id: "offences", label: "Offences", kind: "count", unit: "offences per person", bands: FROM_11 },
  { id: "asb_incidents", label: "Anti-social behaviour incidents", kind: "count", unit: "incidents per person", bands: FROM_11 },
  { id: "dv_incidents", label: "Domestic violence incidents", kind: "count", unit: "incidents per person", bands: FROM_16 },
  { id: "absence_rate", label: "School absence rate (school-age only)", kind: "rate", unit: "per cent of sessions", bands: TF_AGE_BANDS },
  { id: "out_of_work_benefits", label: "On out-of-work benefits", kind: "share", unit: "per cent of adults", bands: ADULTS },
] as const;
export type TfOutcomeId = (typeof TF_OUTCOMES)[number]["id"];
export type TfOutcomeKind = (typeof TF_OUTCOMES)[number]["kind"];

/** One person's outcome: before and after, or null where it does not apply (absence outside school age). */
export interface BeforeAfter {
  readonly before: number;
  readonly after: number;
}

export interface TfPerson {
  readonly familyKey: string;
  readonly personKey: string;
  /** The supplying council (organisation id). */
  readonly council: string;
  /** The batch period the person enters the evaluation with (YYYY-H1/H2). */
  readonly cohort: string;
  readonly group: TfGroup;
  readonly ageBand: TfAgeBand;
  /** The six criteria, in TF_CRITERIA order. */
  readonly criteria: readonly boolean[];
  readonly outcomes: Readonly<Record<TfOutcomeId, BeforeAfter | null>>;
}
