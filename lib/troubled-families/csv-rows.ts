import type { GeneratedPerson } from "./generate";

const yn = (b: boolean | number) => (b ? "Y" : "N");

/**
 * A generated person as a row of the troubled-families dataset (column name → cell), for demo
 * files: one council's batch is the persons of that council and cohort.
 */
export function datasetRow(p: GeneratedPerson): Record<string, string> {
  const o = p.outcomes;
  return {
    family_key: p.familyKey,
    person_key: p.personKey,
    batch_period: p.cohort,
    group: p.group,
    attached_date: p.attachedDate,
    age_band: p.ageBand,
    crit_crime_asb: yn(p.criteria[0]!),
    crit_education: yn(p.criteria[1]!),
    crit_children_in_need: yn(p.criteria[2]!),
    crit_worklessness: yn(p.criteria[3]!),
    crit_domestic_abuse: yn(p.criteria[4]!),
    crit_health: yn(p.criteria[5]!),
    offences_before: String(o.offences?.before ?? 0),
    offences_after: String(o.offences?.after ?? 0),
    asb_incidents_before: String(o.asb_incidents?.before ?? 0),
    asb_incidents_after: String(o.asb_incidents?.after ?? 0),
    dv_incidents_before: String(o.dv_incidents?.before ?? 0),
    dv_incidents_after: String(o.dv_incidents?.after ?? 0),
    absence_rate_before: o.absence_rate ? o.absence_rate.before.toFixed(1) : "",
    absence_rate_after: o.absence_rate ? o.absence_rate.after.toFixed(1) : "",
    out_of_work_benefits_before: yn(o.out_of_work_benefits?.before ?? 0),
    out_of_work_benefits_after: yn(o.out_of_work_benefits?.after ?? 0),
  };
}

/** The batches (council × period) of a generated population, each as CSV text. */
export function batchCsvFiles(
  persons: readonly GeneratedPerson[],
  columns: readonly string[],
): Map<string, { council: string; period: string; csv: string }> {
  const files = new Map<string, { council: string; period: string; lines: string[] }>();
  for (const p of persons) {
    const key = `${p.council}/${p.cohort}`;
    let f = files.get(key);
    if (!f) files.set(key, (f = { council: p.council, period: p.cohort, lines: [columns.join(",")] }));
    const row = datasetRow(p);
    f.lines.push(columns.map((c) => row[c] ?? "").join(","));
  }
  return new Map([...files].map(([k, f]) => [k, { council: f.council, period: f.period, csv: f.lines.join("\n") + "\n" }]));
}
