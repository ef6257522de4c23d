import "server-only";
import path from "node:path";
import { dataDir } from "@/lib/env";
import { isUuid } from "@/lib/ids";

function checkedId(id: string): string {
  // Ids come from the database, but they become path segments: refuse anything else outright.
  if (!isUuid(id)) throw new TypeError(`not a uuid: ${id}`);
  return id;
}

export { dataDir };

/** Folder of one organisation's transferred files: `<data>/files/<org_id>`. */
export function orgFilesDir(orgId: string): string {
  return path.join(dataDir(), "files", checkedId(orgId));
}

/** The exact bytes the organisation transferred for a batch (kept for its right to audit). */
export function originalFilePath(orgId: string, batchId: string): string {
  return path.join(orgFilesDir(orgId), `${checkedId(batchId)}.csv`);
}

/** Where the bytes go while they arrive; renamed to {@link originalFilePath} when the load commits. */
export function partialFilePath(orgId: string, batchId: string): string {
  return path.join(orgFilesDir(orgId), `.${checkedId(batchId)}.partial`);
}

/** The full error report of a batch, one line per error. */
export function errorReportPath(orgId: string, batchId: string): string {
  return path.join(orgFilesDir(orgId), `${checkedId(batchId)}.errors.csv`);
}
