import "server-only";
import fs from "node:fs";
import { Readable } from "node:stream";
import { auditActor, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { errorReportPath, originalFilePath } from "./paths";

export interface BatchFile {
  stream: ReadableStream<Uint8Array>;
  size: number;
  /** The name to offer the download under. */
  filename: string;
  /** The original's SHA-256 as received (the partner's check that it is their exact file). */
  sha256: string | null;
}

const NO_SUCH_UPLOAD = "There is no such upload for your organisation.";

/**
 * A batch's stored original or its error report, as a stream. The batch is looked up in the
 * user's organisation context, so row-level security alone decides whether it exists for them;
 * the download is audited in that transaction. Throws AppError not_found / gone.
 */
export async function openBatchFile(
  user: Pick<Actor, "userId" | "email" | "role" | "orgId">,
  batchId: string,
  which: "original" | "errors",
): Promise<BatchFile> {
  if (!isUuid(batchId)) throw new AppError("not_found", NO_SUCH_UPLOAD);
  const batch = await withContextClient({ kind: "org", orgId: user.orgId, userId: user.userId }, async (c) => {
    const found = await c.query<{ org_id: string; original_filename: string; file_sha256: string | null; status: string }>(
      `SELECT org_id, original_filename, file_sha256, status FROM upload_batch WHERE id = $1`,
      [batchId],
    );
    const b = found.rows[0];
    if (!b) return null;
    await recordAudit(c, {
      action: which === "original" ? "ingest.original_downloaded" : "ingest.error_report_downloaded",
      outcome: "success",
      actor: auditActor(user),
      orgId: b.org_id,
      target: { type: "upload_batch", id: batchId },
    });
    return b;
  });
  if (!batch) throw new AppError("not_found", NO_SUCH_UPLOAD);
  const file = which === "original" ? originalFilePath(batch.org_id, batchId) : errorReportPath(batch.org_id, batchId);
  if (!fs.existsSync(file)) {
    throw new AppError(
      "gone",
      which === "original"
        ? "The platform does not keep this file: it was refused, withdrawn by retention, or never fully received."
        : "This upload has no error report.",
    );
  }
  return {
    stream: Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>,
    size: fs.statSync(file).size,
    filename: which === "original" ? batch.original_filename : batch.original_filename.replace(/(\.csv)?$/i, "-errors.csv"),
    sha256: which === "original" ? batch.file_sha256 : null,
  };
}
