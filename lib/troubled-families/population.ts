import type { TfPerson } from "./types";

/**
 * Who enters the evaluation, and in which group, from every live batch of a council.
 *
 * A family enters once. A family that appears as treatment in some batch enters as treatment with
 * the first batch it appears there (its cohort is the period it joined); its comparison rows from
 * earlier batches stay in the store (history kept) but it is no longer a comparison for those
 * cohorts, because its "after" window overlaps the programme. Any later comparison row of a
 * treated family is ignored the same way. A family only ever in comparison enters with the first
 * batch it appears in. Families are per council: the same pseudonym from two councils is two families
 * (each council salts its own keys).
 */
export interface PopulationSummary {
  readonly persons: TfPerson[];
  /** Comparison families that joined the programme in a later batch (counted as treatment there). */
  readonly movedToTreatment: number;
  /** Rows kept in the store but not used (earlier or repeated batches of the same family). */
  readonly rowsNotUsed: number;
}

const familyId = (p: TfPerson) => `${p.council}\u0000${p.familyKey.toLowerCase()}`;

/** Periods `YYYY-H1` / `YYYY-H2` sort correctly as strings. */
export function assemblePopulation(rows: readonly TfPerson[]): PopulationSummary {
  const chosen = new Map<string, { cohort: string; group: TfPerson["group"]; firstComparison: string | null }>();
  for (const r of rows) {
    const id = familyId(r);
    const c = chosen.get(id);
    if (!c) {
      chosen.set(id, { cohort: r.cohort, group: r.group, firstComparison: r.group === "comparison" ? r.cohort : null });
      continue;
    }
    if (r.group === "comparison" && (c.firstComparison === null || r.cohort < c.firstComparison)) c.firstComparison = r.cohort;
    const better = (r.group === "treatment" && c.group === "comparison") || (r.group === c.group && r.cohort < c.cohort);
    if (better) {
      c.cohort = r.cohort;
      c.group = r.group;
    }
  }
  let moved = 0;
  for (const c of chosen.values()) if (c.group === "treatment" && c.firstComparison !== null && c.firstComparison < c.cohort) moved++;
  const persons: TfPerson[] = [];
  for (const r of rows) {
    const c = chosen.get(familyId(r))!;
    if (r.cohort === c.cohort && r.group === c.group) persons.push(r);
  }
  return { persons, movedToTreatment: moved, rowsNotUsed: rows.length - persons.length };
}
