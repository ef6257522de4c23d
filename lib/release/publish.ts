import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type pg from "pg";
import { z } from "zod";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { csvDocument } from "@/lib/csv";
import { withContextClient } from "@/lib/db/tenant";
import { dataDir } from "@/lib/ingest/paths";
import { queueMail } from "@/lib/mail";
import { describeFilters, releaseLabel } from "./check";
import { ReleaseError } from "./errors";
import { releaseReportPdf } from "./report-pdf";
import { contextFor } from "./context";
import type { Actor, Audience, CheckReport, OutputDefinition } from "./types";

/** `<data>/releases/R-0001/`: released files, written once, read-only, checked on every download. */
export function releaseDir(number: number): string {
  return path.join(dataDir(), "releases", releaseLabel(number));
}

function slug(s: string): string {
  return (
    s
      .replace(/[^A-Za-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "table"
  );
}

export function sha256(bytes: Buffer | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The released CSV of one output: the table exactly as reviewed, with where it comes from. */
function releasedCsv(label: string, display: CheckReport["rendered"][number]["display"], filters: string, report: CheckReport): string {
  const notes: string[][] = [
    [],
    [`Release ${label}. ${display.title} (${filters}). ${display.measure}.`],
    [`Matching run ${report.run.version}; suppression threshold ${report.threshold}.`],
    ...(display.note ? [[display.note]] : []),
  ];
  return csvDocument(display.header, [...display.rows, ...notes], { bom: true });
}

/**
 * Turns an approved request into a release, in the approving transaction: a number, a CSV per
 * output written once (read-only) with its SHA-256 recorded, and the protected tables kept for
 * the cross-release check of later requests on the same run.
 */
export async function createRelease(
  db: pg.ClientBase,
  input: {
    request: {
      id: string;
      agreementId: string;
      runId: string;
      title: string;
      purpose: string;
      audience: Audience;
      version: number;
      requestedBy: string;
      organisation: string;
    };
    outputs: readonly (OutputDefinition & { id: string; position: number })[];
    report: CheckReport;
    approvers: readonly string[];
  },
): Promise<{ id: string; number: number; label: string }> {
  const { request, outputs, report } = input;
  const { rows } = await db.query<{ id: string; number: number }>(
    `INSERT INTO release (request_id, agreement_id, run_id, title, audience, data_period, approvers)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, number`,
    [request.id, request.agreementId, request.runId, request.title, request.audience, report.dataPeriod, input.approvers.join(", ")],
  );
  const { id, number } = rows[0]!;
  const label = releaseLabel(number);
  const dir = releaseDir(number);
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  for (const [k, o] of outputs.entries()) {
    const rendered = report.rendered.find((r) => r.outputId === o.id);
    if (!rendered) throw new Error(`release ${label}: output ${o.id} has no checked rendering`);
    const filters = describeFilters(o);
    const name = `${label}_${String(k + 1).padStart(2, "0")}_${slug(o.table)}_${slug(filters)}.csv`;
    const bytes = Buffer.from(releasedCsv(label, rendered.display, filters, report), "utf8");
    // 'wx': a release number is used once, so an existing file means something is wrong.
    await fs.writeFile(path.join(dir, name), bytes, { flag: "wx", mode: 0o444 });
    await db.query(
      `INSERT INTO release_file (release_id, output_id, position, file_name, sha256, size, table_spec, protected_table)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, o.id, k + 1, name, sha256(bytes), bytes.length, JSON.stringify(rendered.spec), JSON.stringify(rendered.table)],
    );
  }

  // The report: every table with its chart and note, the check, and the approval record of every
  // version of the request (this approval included: it is in this transaction).
  const { rows: reviews } = await db.query<{ reviewer_name: string; decision: string; comment: string; created_at: Date }>(
    `WITH RECURSIVE chain AS (
       SELECT id, previous_id FROM release_request WHERE id = $1
       UNION ALL SELECT q.id, q.previous_id FROM release_request q JOIN chain c ON q.id = c.previous_id)
     SELECT v.reviewer_name, v.decision, v.comment, v.created_at FROM release_review v JOIN chain c ON c.id = v.request_id ORDER BY v.created_at`,
    [request.id],
  );
  const { rows: at } = await db.query<{ released_at: Date }>("SELECT released_at FROM release WHERE id = $1", [id]);
  const pdf = Buffer.from(
    await releaseReportPdf({
      label,
      title: request.title,
      purpose: request.purpose,
      audience: request.audience,
      releasedAt: at[0]!.released_at,
      requestedBy: request.requestedBy,
      organisation: request.organisation,
      version: request.version,
      reviews: reviews.map((v) => ({ reviewer: v.reviewer_name, decision: v.decision, comment: v.comment, at: v.created_at })),
      report,
    }),
  );
  const reportName = `${label}_report.pdf`;
  await fs.writeFile(path.join(dir, reportName), pdf, { flag: "wx", mode: 0o444 });
  await db.query(`INSERT INTO release_file (release_id, kind, position, file_name, sha256, size) VALUES ($1, 'report', $2, $3, $4, $5)`, [
    id,
    outputs.length + 1,
    reportName,
    sha256(pdf),
    pdf.length,
  ]);
  return { id, number, label };
}

export interface RegisterEntry {
  id: string;
  number: number;
  label: string;
  title: string;
  audience: Audience;
  releasedAt: Date;
  approvers: string;
  dataPeriod: string;
  withdrawn: { at: Date; reason: string; by: string | null } | null;
  files: { id: string; name: string; sha256: string; size: number; kind: "table" | "report" }[];
}

const REGISTER_CTX = { kind: "system", purpose: "release-register" } as const;

/** The public register: every release, withdrawn ones included, without any data. */
export async function releaseRegister(): Promise<RegisterEntry[]> {
  return withContextClient(REGISTER_CTX, async (db) => {
    const { rows } = await db.query<{
      id: string;
      number: number;
      title: string;
      audience: Audience;
      released_at: Date;
      approvers: string;
      data_period: string;
      withdrawn_at: Date | null;
      withdrawn_reason: string | null;
      withdrawn_by_name: string | null;
      files: { id: string; name: string; sha256: string; size: number; kind: "table" | "report" }[];
    }>(
      `SELECT l.id, l.number, l.title, l.audience::text AS audience, l.released_at, l.approvers, l.data_period, l.withdrawn_at, l.withdrawn_reason, l.withdrawn_by_name,
              COALESCE(json_agg(json_build_object('id', f.id, 'name', f.file_name, 'sha256', f.sha256, 'size', f.size, 'kind', f.kind) ORDER BY f.position) FILTER (WHERE f.id IS NOT NULL), '[]') AS files
       FROM release l LEFT JOIN release_file f ON f.release_id = l.id
       GROUP BY l.id ORDER BY l.number DESC`,
    );
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      label: releaseLabel(r.number),
      title: r.title,
      audience: r.audience,
      releasedAt: r.released_at,
      approvers: r.approvers,
      dataPeriod: r.data_period,
      withdrawn: r.withdrawn_at ? { at: r.withdrawn_at, reason: r.withdrawn_reason ?? "", by: r.withdrawn_by_name } : null,
      files: r.files,
    }));
  });
}

/**
 * A released file for download, after checking its bytes against the hash recorded at release.
 * A withdrawn release, a missing file or a file whose bytes changed is refused with a clear
 * message; a mismatch is also put on the audit trail as a failure.
 */
export async function releasedFile(input: {
  fileId: string;
  who?: { userId: string; label: string; role: string };
}): Promise<{ name: string; bytes: Buffer; sha256: string; label: string; contentType: string }> {
  if (!z.uuid().safeParse(input.fileId).success) throw new ReleaseError("not-found", "There is no such released file.");
  const row = await withContextClient(REGISTER_CTX, async (db) => {
    const { rows } = await db.query<{
      number: number;
      file_name: string;
      sha256: string;
      withdrawn_at: Date | null;
      withdrawn_reason: string | null;
    }>(
      `SELECT l.number, f.file_name, f.sha256, l.withdrawn_at, l.withdrawn_reason FROM release_file f JOIN release l ON l.id = f.release_id WHERE f.id = $1`,
      [input.fileId],
    );
    return rows[0];
  });
  if (!row) throw new ReleaseError("not-found", "There is no such released file.");
  const label = releaseLabel(row.number);
  const actor = input.who ?? { userId: null, label: "public register", role: null };
  if (row.withdrawn_at) {
    throw new ReleaseError(
      "withdrawn",
      `Release ${label} was withdrawn on ${row.withdrawn_at.toISOString().slice(0, 10)} (${row.withdrawn_reason}). Its files are no longer available for publication.`,
    );
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(path.join(releaseDir(row.number), row.file_name));
  } catch {
    await recordAuditNow({
      action: "release.download",
      outcome: "failure",
      actor,
      target: { type: "release_file", id: input.fileId },
      details: { release: label, problem: "missing" },
    });
    throw new ReleaseError(
      "file-missing",
      `The file of release ${label} is missing from the platform's store. It cannot be served; tell the platform team.`,
    );
  }
  const actual = sha256(bytes);
  if (actual !== row.sha256) {
    await recordAuditNow({
      action: "release.download",
      outcome: "failure",
      actor,
      target: { type: "release_file", id: input.fileId },
      details: { release: label, problem: "hash-mismatch" },
    });
    throw new ReleaseError(
      "file-tampered",
      `The stored file of release ${label} no longer matches the SHA-256 recorded when it was released, so it has been changed since. It is not served; tell the platform team.`,
    );
  }
  await recordAuditNow({
    action: "release.download",
    outcome: "success",
    actor,
    target: { type: "release_file", id: input.fileId },
    details: { release: label },
  });
  return {
    name: row.file_name,
    bytes,
    sha256: actual,
    label,
    contentType: row.file_name.endsWith(".pdf") ? "application/pdf" : "text/csv; charset=utf-8",
  };
}

/** Withdraws a release: it stays in the register (and in the cross-release check) with the reason. */
export async function withdrawRelease(actor: Actor, input: { number: number; reason: string }): Promise<void> {
  if (actor.role !== "approver" && actor.role !== "administrator")
    throw new ReleaseError("forbidden", "Only an approver or an administrator can withdraw a release.");
  const reason = z
    .string()
    .trim()
    .min(1, { error: "Give the reason for the withdrawal: it is shown in the register." })
    .max(2000, { error: "The reason must be 2000 characters or fewer." })
    .safeParse(input.reason);
  if (!reason.success) throw new ReleaseError("invalid-input", reason.error.issues[0]!.message);
  await withContextClient(contextFor(actor), async (db) => {
    const { rows } = await db.query<{ id: string; withdrawn_at: Date | null; request_id: string; title: string }>(
      "SELECT id, withdrawn_at, request_id, title FROM release WHERE number = $1 FOR UPDATE",
      [input.number],
    );
    const rel = rows[0];
    if (!rel) throw new ReleaseError("not-found", `There is no release ${releaseLabel(input.number)} you may withdraw.`);
    if (rel.withdrawn_at)
      throw new ReleaseError("already-withdrawn", `Release ${releaseLabel(input.number)} was already withdrawn; nothing was changed.`);
    await db.query("UPDATE release SET withdrawn_at = now(), withdrawn_reason = $2, withdrawn_by_name = $3 WHERE id = $1", [
      rel.id,
      reason.data,
      actor.displayName,
    ]);
    await recordAudit(db, {
      action: "release.withdraw",
      outcome: "success",
      actor: { userId: actor.userId, label: actor.email, role: actor.role },
      orgId: actor.orgId,
      target: { type: "release", id: rel.id },
      details: { number: input.number },
    });
    const { rows: req } = await db.query<{ created_by_email: string; org_id: string }>(
      "SELECT created_by_email, org_id FROM release_request WHERE id = $1",
      [rel.request_id],
    );
    if (req[0]) {
      await queueMail(db, {
        to: req[0].created_by_email,
        subject: `Release ${releaseLabel(input.number)} was withdrawn`,
        text: `Release ${releaseLabel(input.number)} ("${rel.title}") was withdrawn by ${actor.displayName}.\n\nReason: ${reason.data}\n\nIt stays in the public register as withdrawn, and its files are no longer served.`,
        kind: "release.withdrawn",
        orgId: req[0].org_id,
      });
    }
  });
}
