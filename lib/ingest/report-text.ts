import "server-only";
import { plural } from "@/lib/text/plural";
import type { IngestResult } from "./pipeline";

/** A refused or partly loaded file's report as plain text (CLI stderr, SFTP result files). */
export function formatReportForTerminal(result: IngestResult): string {
  const lines = [`${result.status.toUpperCase()}: ${result.message}`];
  for (const f of result.summary.fileErrors) lines.push(`  file: ${f.message}`);
  for (const g of result.summary.groups) {
    const examples = g.examples.map((x) => (x.value === null ? `line ${x.line}` : `line ${x.line}: ${JSON.stringify(x.value)}`)).join("; ");
    lines.push(`  ${g.column} — ${g.rule} — ${g.count} row${g.count === 1 ? "" : "s"}; expected ${g.expected}. e.g. ${examples}`);
  }
  if (result.summary.incident) {
    const rules = Object.entries(result.summary.incident.rules)
      .map(([rule, n]) => `${rule}: ${n} cells`)
      .join(", ");
    lines.push(`  incident ${result.summary.incident.incidentId}: ${rules}`);
  }
  lines.push(
    `  batch ${result.batchId}; ${plural(result.rowsTotal, "row")} read, ${result.rowsLoaded} loaded, ${plural(result.errorCount, "error")}.`,
  );
  return lines.join("\n");
}
