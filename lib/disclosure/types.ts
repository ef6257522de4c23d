import "server-only";

/** A category of a dimension. Booleans and numbers are kept distinct from their string forms. */
export type DimensionValue = string | number | boolean;

/** A conjunction over dimensions; an array means "any of these values". */
export type Condition = Readonly<Record<string, DimensionValue | readonly DimensionValue[]>>;

/** One cell of the finest cross-classification the data layer produced. */
export interface UnitCell {
  readonly values: Readonly<Record<string, DimensionValue>>;
  readonly count: number;
}

/**
 * The population every table of one publication is computed from.
 *
 * `dimensions` declares the full, ordered domain of every dimension. The domain matters for
 * disclosure: an attacker is assumed to know every category that could exist, so a category
 * combination missing from `cells` is a count of 0 that must be protected like any other small
 * count, not a combination the attacker can rule out.
 *
 * `structuralZeros` lists combinations that are impossible by definition (public knowledge);
 * they are shown as `[z]` and treated as known to everyone.
 */
export interface Base {
  readonly dimensions: Readonly<Record<string, readonly DimensionValue[]>>;
  readonly cells: readonly UnitCell[];
  readonly structuralZeros?: readonly Condition[];
}

/**
 * Only counts and percentages of counts exist. Means, medians, minima and maxima are not
 * representable on purpose: a minimum or maximum is a unit record, and a mean over a published
 * count leaks the sum of the group (see docs/decisions/020-disclosure-control.md).
 */
export type Measure = { readonly kind: "count" } | { readonly kind: "percentage"; readonly numerator: Condition };

export interface TableSpec {
  readonly id: string;
  /** Dimensions spanning the rows; an empty list means a single row. */
  readonly rows?: readonly string[];
  /** Dimensions spanning the columns; an empty list means a single column. */
  readonly columns?: readonly string[];
  /** Restricts the table's population (the denominator of a percentage). */
  readonly filter?: Condition;
  readonly measure: Measure;
  /** Adds a total per row, a total per column and the grand total, as far as the table has those axes. */
  readonly totals?: boolean;
}

export interface PublicationRequest {
  /** Counts at or below this are suppressed. Defaults to {@link DEFAULT_THRESHOLD}. */
  readonly threshold?: number;
  readonly base: Base;
  readonly tables: readonly TableSpec[];
  /**
   * Tables already released from the same base (same rows of the same analysis table). The new
   * tables are protected jointly with them; their published numbers are re-derived from `base`
   * and must match, or the engine refuses (`prior-mismatch`).
   */
  readonly prior?: readonly PriorTable[];
  /**
   * Cells of the new tables that must stay suppressed whatever the engine finds, e.g. the
   * pattern the same table has in a wider publication protected jointly (a dashboard).
   */
  readonly keepSuppressed?: readonly {
    readonly table: string;
    readonly key: Readonly<Record<string, DimensionValue | null>>;
    /** Which number of the cell; omitted means all of them (count, numerator and denominator). */
    readonly part?: "count" | "numerator" | "denominator";
  }[];
}

/** A table as an earlier release published it. */
export interface PriorTable {
  /** Names the release in the report ("R-0003") when it forces a suppression. */
  readonly source: string;
  readonly spec: TableSpec;
  readonly cells: readonly ProtectedCell[];
}

export const DEFAULT_THRESHOLD = 5;

export type SuppressionReason = "primary" | "secondary" | "percentage";

/**
 * A number as published. `value: null` marks a structurally impossible cell (`[z]`), which is
 * different from a suppressed one (`[c]`).
 */
export type CellValue =
  | { readonly suppressed: false; readonly value: number }
  | { readonly suppressed: false; readonly value: null }
  | { readonly suppressed: true; readonly reason: SuppressionReason };

export interface ProtectedCell {
  /** Category per row and column dimension; `null` where the cell is a total over that dimension. */
  readonly key: Readonly<Record<string, DimensionValue | null>>;
  readonly total: boolean;
  /** The count, or for percentage tables the percentage rounded to one decimal place. */
  readonly value: CellValue;
  /** Percentage tables only: the count meeting the numerator condition. */
  readonly numerator?: CellValue;
  /** Percentage tables only: the count of the group. */
  readonly denominator?: CellValue;
  /** Suppressed because of what these earlier releases published (cross-release protection). */
  readonly forcedBy?: readonly string[];
}

export interface ProtectedTable {
  readonly id: string;
  /** The threshold the table was protected with, so renderers can word the footnote. */
  readonly threshold: number;
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  readonly measure: Measure["kind"];
  readonly cells: readonly ProtectedCell[];
}

export interface ProtectionSummary {
  /** Distinct counts (after merging the same count shown in several tables) that were suppressed as primary. */
  readonly primary: number;
  readonly secondary: number;
  /** Distinct counts published across all tables. */
  readonly published: number;
  /** Unpublished groups (complements, differences) that had to be kept underivable. */
  readonly protectedHiddenGroups: number;
}

export interface ProtectedPublication {
  readonly threshold: number;
  readonly tables: readonly ProtectedTable[];
  readonly summary: ProtectionSummary;
  /** Only when earlier releases were passed in. */
  readonly crossRelease?: {
    /** Distinct numbers of the new tables suppressed because of earlier releases. */
    readonly forced: number;
    /** The releases that forced them. */
    readonly sources: readonly string[];
    /** Small groups earlier releases alone already determine (nothing hidden now can protect them). */
    readonly exposed: number;
  };
}
