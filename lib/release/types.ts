import "server-only";
import type { Actor as PortalActor } from "@/lib/actor";
import type { DisplayTable } from "@/lib/dashboards/vange";
import type { ProtectedTable, TableSpec } from "@/lib/disclosure";

/** Who acts: the portal's one actor (lib/actor.ts), as much of it as release needs. */
export type Actor = Pick<PortalActor, "userId" | "email" | "displayName" | "role" | "orgId">;

export type Audience = "publication" | "partners" | "internal";
export type RequestStatus = "draft" | "submitted" | "returned" | "refused" | "approved";

export const AUDIENCE_LABELS: Record<Audience, string> = {
  publication: "Publication",
  partners: "Report to partners",
  internal: "Internal",
};

/** An output by definition: which dashboard table, with which filters. Never numbers. */
export interface OutputDefinition {
  table: string;
  year: number | null;
  district: string | null;
}

/** The platform's automatic check of one output (never typed by hand). */
export interface OutputCheck {
  outputId: string;
  table: string;
  title: string;
  filters: { year: number | null; district: string | null };
  threshold: number;
  cells: number;
  suppressedPrimary: number;
  suppressedSecondary: number;
  /** Percentages withheld because a number behind them is. */
  suppressedPercentage: number;
  /** Counts that are truly 0 (all withheld as [c]); shown to approvers only. */
  zeroCells: number | null;
  smallestPublishedDenominator: number | null;
  /** Published percentages whose numerator or complement is at most twice the threshold. */
  nearExtremePercentages: string[];
  /** Suppressions forced by earlier releases of the same run, and which. */
  forcedByEarlierReleases: number;
  forcedBy: string[];
}

export interface CheckReport {
  computedAt: string;
  threshold: number;
  run: { id: string; version: number; finishedAt: string | null };
  /** The assessment years the outputs cover, in words. */
  dataPeriod: string;
  batches: { datasetTitle: string; organisation: string; batchId: string; loadedAt: string | null }[];
  outputs: OutputCheck[];
  crossRelease: {
    /** Every earlier release (withdrawn included) of the same run the outputs were protected against. */
    earlierReleases: string[];
    forced: number;
    forcedBy: string[];
    /** Small groups earlier releases alone already determine. */
    exposedByEarlier: number;
    /**
     * Releases of the same agreement from other matching runs: other data, not checked jointly
     * (decision 120, limitations); listed so the approver can weigh them.
     */
    otherRuns: string[];
  };
  /** Each output exactly as it would be released, in output order. */
  rendered: { outputId: string; display: DisplayTable; spec: TableSpec; table: ProtectedTable }[];
}
