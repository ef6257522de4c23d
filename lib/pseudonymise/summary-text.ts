import { IDENTIFIER_RULE_DESCRIPTIONS } from "@/lib/ingest/guard/guard";
import type { ExtractSummary } from "./extract";

const n = (v: number) => v.toLocaleString("en-GB");
const lines = (l: readonly number[], more: boolean) => `line${l.length === 1 ? "" : "s"} ${l.join(", ")}${more ? ", …" : ""}`;

/** The summary in plain sentences, for the CLI's standard error (the page renders the same facts). */
export function describeSummary(s: ExtractSummary): string[] {
  if (s.refused) return [`Refused: ${s.refused.message}`];
  const out = [`${n(s.rowsRead)} rows read, ${n(s.rowsWritten)} written.`];
  for (const k of s.keys) out.push(`${k.column} = SHA-256 of ${k.headings.join(" + ")} + salt (from your columns ${k.columns.join(", ")}).`);
  for (const d of s.dropped)
    out.push(`Dropped ${n(d.count)} row(s): ${d.column ? `${d.column}: ` : ""}${d.message} (${lines(d.firstLines, d.count > d.firstLines.length)}).`);
  for (const b of s.partlyBlank)
    out.push(
      `${n(b.count)} row(s) kept with ${b.heading} (your column ${b.column}) blank in ${b.key}: their key rests on the other identifiers only.`,
    );
  for (const d of s.duplicates) {
    if (d.count > 0 || !d.complete)
      out.push(`Duplicates: ${n(d.count)} ${d.description}${d.complete ? "" : " (counted over the first 4,000,000 rows only)"}.`);
  }
  if (s.droppedColumns.length > 0) out.push(`Columns left out of the output: ${s.droppedColumns.join(", ")}.`);
  const v = s.validation;
  for (const f of v.identifierFindings) {
    out.push(
      `Identifier: ${n(f.cells)} cell(s) of ${f.column} look like ${IDENTIFIER_RULE_DESCRIPTIONS[f.rule]} (${lines(f.firstLines, f.cells > f.firstLines.length)}). Uploading this file would be a data-protection incident.`,
    );
  }
  for (const p of v.problems)
    out.push(`Would be refused: ${n(p.count)} row(s), ${p.column}: ${p.message} (${lines(p.firstLines, p.count > p.firstLines.length)}).`);
  out.push(
    v.invalidRows === 0 && v.identifierFindings.length === 0
      ? "The output passes the platform's checks."
      : `${n(v.invalidRows)} row(s) of the output do not pass the platform's checks.`,
  );
  return out;
}
