import "server-only";
import { csvDocument } from "@/lib/csv";

export const NOT_APPROVED = "NOT APPROVED FOR PUBLICATION";

/**
 * A dashboard export that went through no release: the file's first line and its name say so,
 * so it cannot be mistaken for (or quietly passed off as) a file of the register of releases.
 */
export function unapprovedExport(name: string, header: readonly string[], rows: readonly (readonly string[])[]): { name: string; body: string } {
  const body = csvDocument(
    [`${NOT_APPROVED}: exported from the dashboard for analysis under the agreement; publish only files from the register of releases.`],
    [header, ...rows],
    { bom: true },
  );
  return { name: `NOT-APPROVED-FOR-PUBLICATION_${name}`, body };
}
