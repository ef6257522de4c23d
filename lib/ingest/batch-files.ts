import "server-only";
import fs from "node:fs";
import { Readable } from "node:stream";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";
import { errorReportPath, originalFilePath } from "./paths";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function notFound(): Response {
  return Response.json({ error: "not-found", message: "There is no such upload for your organisation." }, { status: 404 });
}

function gone(message: string): Response {
  return Response.json({ error: "gone", message }, { status: 410 });
}

/** RFC 6266 filename: ASCII fallback plus the UTF-8 name. */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Streams a batch's stored original or its error report. The batch is looked up in the user's
 * organisation context, so row-level security alone decides whether it exists for them; the
 * download is audited in that transaction.
 */
export async function serveBatchFile(
  user: { userId: string; email: string; role: string; orgId: string },
  batchId: string,
  which: "original" | "errors",
): Promise<Response> {
  if (!UUID.test(batchId)) return notFound();
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
      actor: { userId: user.userId, label: user.email, role: user.role },
      orgId: b.org_id,
      target: { type: "upload_batch", id: batchId },
    });
    return b;
  });
  if (!batch) return notFound();
  const file = which === "original" ? originalFilePath(batch.org_id, batchId) : errorReportPath(batch.org_id, batchId);
  if (!fs.existsSync(file)) {
    return which === "original"
      ? gone("The platform does not keep this file: it was refused, withdrawn by retention, or never fully received.")
      : gone("This upload has no error report.");
  }
  const size = fs.statSync(file).size;
  const name = which === "original" ? batch.original_filename : batch.original_filename.replace(/(\.csv)?$/i, "-errors.csv");
  const headers: Record<string, string> = {
    "content-type": "text/csv; charset=utf-8",
    "content-length": String(size),
    "content-disposition": disposition(name),
    "cache-control": "private, no-store",
  };
  if (which === "original" && batch.file_sha256) headers["x-content-sha256"] = batch.file_sha256;
  return new Response(Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>, { status: 200, headers });
}
