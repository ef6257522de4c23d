import "server-only";
import type pg from "pg";
import { z } from "zod";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";
import { contextFor } from "./context";
import { liveRun, vangeRunPublication } from "@/lib/dashboards/service";
import { queueMail } from "@/lib/mail";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";
import { computeCheck, describeFilters, layoutFor, releaseLabel, runOf, sameRelease } from "./check";
import { ReleaseError } from "./errors";
import { createRelease } from "./publish";
import { AUDIENCE_LABELS, type Actor, type Audience, type CheckReport, type OutputDefinition, type RequestStatus } from "./types";

const auditActor = (actor: Actor) => ({ userId: actor.userId, label: actor.email, role: actor.role });

function requireRole(actor: Actor, role: "researcher" | "approver", what: string): void {
  if (actor.role !== role) throw new ReleaseError("forbidden", `Only ${role === "researcher" ? "a researcher" : "an approver"} can ${what}.`);
}

const text = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter ${what}.` })
    .max(max, { error: `${what[0]!.toUpperCase()}${what.slice(1)} must be ${max} characters or fewer.` });

const draftSchema = z.object({
  agreement: z.string().min(1).max(100).default(PILOT_AGREEMENT),
  title: text("a title", 200),
  purpose: text("the purpose", 4000),
  audience: z.enum(["publication", "partners", "internal"], { error: "Choose the intended audience." }),
});

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new ReleaseError("invalid-input", r.error.issues.map((i) => i.message).join(" "));
  return r.data;
}

interface RequestRow {
  id: string;
  agreement_id: string;
  agreement_slug: string;
  agreement_name: string;
  owner_org_id: string;
  org_id: string;
  org_name: string;
  created_by_id: string;
  created_by_name: string;
  created_by_email: string;
  run_id: string;
  title: string;
  purpose: string;
  audience: Audience;
  status: RequestStatus;
  version: number;
  previous_id: string | null;
  check_report: CheckReport | null;
  created_at: Date;
  submitted_at: Date | null;
  decided_at: Date | null;
}

const REQUEST_SQL = `SELECT q.id, q.agreement_id, a.slug AS agreement_slug, a.name AS agreement_name, a.owner_org_id, q.org_id, o.name AS org_name,
  q.created_by_id, q.created_by_name, q.created_by_email, q.run_id, q.title, q.purpose, q.audience::text AS audience, q.status::text AS status,
  q.version, q.previous_id, q.check_report, q.created_at, q.submitted_at, q.decided_at
  FROM release_request q JOIN agreement a ON a.id = q.agreement_id JOIN organisation o ON o.id = q.org_id`;

/** The request as the actor may see it (RLS), locked for the rest of the transaction. */
async function loadRequest(db: pg.ClientBase, id: string, lock: boolean): Promise<RequestRow> {
  if (!z.uuid().safeParse(id).success) throw new ReleaseError("not-found", "There is no such release request.");
  const { rows } = await db.query<RequestRow>(`${REQUEST_SQL} WHERE q.id = $1${lock ? " FOR UPDATE OF q" : ""}`, [id]);
  const row = rows[0];
  if (!row) throw new ReleaseError("not-found", "There is no such release request, or it is not yours to see.");
  return row;
}

interface OutputRow {
  id: string;
  position: number;
  table_id: string;
  filter_year: number | null;
  filter_district: string | null;
}

async function loadOutputs(db: pg.ClientBase, requestId: string): Promise<(OutputDefinition & { id: string; position: number })[]> {
  const { rows } = await db.query<OutputRow>(
    "SELECT id, position, table_id, filter_year, filter_district FROM release_output WHERE request_id = $1 ORDER BY position",
    [requestId],
  );
  return rows.map((r) => ({ id: r.id, position: r.position, table: r.table_id, year: r.filter_year, district: r.filter_district }));
}

/** The organisations whose approval a request needs: the agreement's owner, and by rule the data owners of the run. */
async function requiredOrgs(
  db: pg.ClientBase,
  req: Pick<RequestRow, "agreement_id" | "owner_org_id" | "run_id">,
): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT o.id, o.name FROM organisation o
     WHERE o.id = $1
        OR (COALESCE((SELECT data_owners_must_approve FROM release_approval_rule WHERE agreement_id = $2), false)
            AND o.id IN (SELECT org_id FROM matching_run_dataset WHERE run_id = $3))
     ORDER BY (o.id = $1) DESC, o.name`,
    [req.owner_org_id, req.agreement_id, req.run_id],
  );
  return rows;
}

const REQUEST_IS_SUPERSEDED =
  "The matching run these outputs were defined on has been superseded by a newer run. Make a new version of this request: it is checked against the live run.";

export async function createDraft(
  actor: Actor,
  input: { agreement?: string; title: string; purpose: string; audience: string },
): Promise<{ id: string }> {
  requireRole(actor, "researcher", "request a release");
  const data = parse(draftSchema, input);
  return withContextClient(contextFor(actor), async (db) => {
    const run = await liveRun(db, data.agreement);
    if (!run) throw new ReleaseError("no-run", "There is no live matching run for this agreement yet, so there is nothing to release.");
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO release_request (agreement_id, org_id, created_by_id, created_by_name, created_by_email, run_id, title, purpose, audience)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [run.agreementId, actor.orgId, actor.userId, actor.displayName, actor.email, run.id, data.title, data.purpose, data.audience],
    );
    const id = rows[0]!.id;
    await recordAudit(db, {
      action: "release.request.create",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id },
    });
    return { id };
  });
}

const outputSchema = z.object({
  requestId: z.string(),
  table: z.string().regex(/^[a-z0-9_-]{1,60}$/, { error: "Choose a table of the dashboard." }),
  year: z.number().int().min(1900).max(2100).nullable(),
  district: z
    .string()
    .regex(/^[A-Z0-9-]{1,20}$/, { error: "The district is not one of the dashboard's." })
    .nullable(),
});

/** Adds a dashboard table (by definition) to a draft request. */
export async function addOutput(
  actor: Actor,
  input: { requestId: string; table: string; year: number | null; district: string | null },
): Promise<{ id: string }> {
  requireRole(actor, "researcher", "add outputs to a release request");
  const data = parse(outputSchema, input);
  const ctx = contextFor(actor);
  return withContextClient(ctx, async (db) => {
    const req = await loadRequest(db, data.requestId, true);
    if (req.status !== "draft")
      throw new ReleaseError("not-draft", "This request has been submitted and can no longer change. Make a new version to change it.");
    const run = await runOf(db, req.run_id);
    if (!run.live) throw new ReleaseError("run-superseded", REQUEST_IS_SUPERSEDED);
    layoutFor((await vangeRunPublication(ctx, run)).layouts, data);
    const { rows: dup } = await db.query(
      "SELECT 1 FROM release_output WHERE request_id = $1 AND table_id = $2 AND filter_year IS NOT DISTINCT FROM $3 AND filter_district IS NOT DISTINCT FROM $4",
      [req.id, data.table, data.year, data.district],
    );
    if (dup.length > 0) throw new ReleaseError("duplicate-output", `This table for ${describeFilters(data)} is already in the request.`);
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO release_output (request_id, position, table_id, filter_year, filter_district)
       VALUES ($1, (SELECT COALESCE(max(position), 0) + 1 FROM release_output WHERE request_id = $1), $2, $3, $4) RETURNING id`,
      [req.id, data.table, data.year, data.district],
    );
    const id = rows[0]!.id;
    await recordAudit(db, {
      action: "release.output.add",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id: req.id },
      details: { output: id, table: data.table, year: data.year, district: data.district },
    });
    return { id };
  });
}

export async function removeOutput(actor: Actor, input: { requestId: string; outputId: string }): Promise<void> {
  requireRole(actor, "researcher", "change a release request");
  await withContextClient(contextFor(actor), async (db) => {
    const req = await loadRequest(db, input.requestId, true);
    if (req.status !== "draft")
      throw new ReleaseError("not-draft", "This request has been submitted and can no longer change. Make a new version to change it.");
    if (!z.uuid().safeParse(input.outputId).success) throw new ReleaseError("not-found", "There is no such output in this request.");
    const { rowCount } = await db.query("DELETE FROM release_output WHERE id = $1 AND request_id = $2", [input.outputId, req.id]);
    if (!rowCount) throw new ReleaseError("not-found", "There is no such output in this request.");
    await recordAudit(db, {
      action: "release.output.remove",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id: req.id },
      details: { output: input.outputId },
    });
  });
}

/** Submits a draft: the platform computes the check report, the request freezes, approvers are told. */
export async function submitRequest(actor: Actor, input: { requestId: string; publicUrl?: string }): Promise<{ report: CheckReport }> {
  requireRole(actor, "researcher", "submit a release request");
  const ctx = contextFor(actor);
  return withContextClient(ctx, async (db) => {
    const req = await loadRequest(db, input.requestId, true);
    if (req.status !== "draft") throw new ReleaseError("not-draft", "This request has already been submitted. Make a new version to change it.");
    const outputs = await loadOutputs(db, req.id);
    if (outputs.length === 0) throw new ReleaseError("no-outputs", "Add at least one table or figure to the request before submitting it.");
    const run = await runOf(db, req.run_id);
    if (!run.live) throw new ReleaseError("run-superseded", REQUEST_IS_SUPERSEDED);
    await lockRun(db, req.run_id);
    const report = await computeCheck(db, ctx, req.run_id, outputs);
    await db.query("UPDATE release_request SET status = 'submitted', submitted_at = now(), check_report = $2 WHERE id = $1", [
      req.id,
      JSON.stringify(report),
    ]);
    await recordAudit(db, {
      action: "release.request.submit",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id: req.id },
      details: { outputs: outputs.length, run: run.version, version: req.version, forcedByEarlierReleases: report.crossRelease.forced },
    });
    const orgs = await requiredOrgs(db, req);
    const { rows: approvers } = await db.query<{ email: string }>(
      "SELECT email FROM app_user WHERE role = 'approver' AND active AND org_id = ANY($1::uuid[]) ORDER BY email",
      [orgs.map((o) => o.id)],
    );
    for (const a of approvers) {
      await queueMail(db, {
        to: a.email,
        subject: `Release request to review: ${req.title}`.slice(0, 250).replace(/[\r\n]+/g, " "),
        text: [
          `${req.created_by_name} (${req.org_name}) asks for ${outputs.length} output${outputs.length === 1 ? "" : "s"} to be released.`,
          "",
          `Title: ${req.title}`,
          `Intended audience: ${AUDIENCE_LABELS[req.audience]}`,
          `Version: ${req.version}`,
          "",
          "The platform's disclosure check is attached to the request. Review it in the portal under Release requests.",
          ...(input.publicUrl ? [`${input.publicUrl}/releases/requests/${req.id}`] : []),
        ].join("\n"),
        kind: "release.submitted",
        orgId: null,
      });
    }
    return { report };
  });
}

/** Makes a new draft version from a submitted (usually returned) request, on the live run. */
export async function newVersion(actor: Actor, input: { requestId: string }): Promise<{ id: string }> {
  requireRole(actor, "researcher", "make a new version of a release request");
  return withContextClient(contextFor(actor), async (db) => {
    const req = await loadRequest(db, input.requestId, true);
    if (req.status === "draft") throw new ReleaseError("not-draft", "This request is still a draft: change it directly.");
    // A request under review is the approvers' to decide; only one whose run has gone can be replaced.
    if (req.status === "submitted" && (await runOf(db, req.run_id)).live) {
      throw new ReleaseError(
        "under-review",
        "This request is waiting for the approvers' decision. A new version can be made once they return or decide on it.",
      );
    }
    const { rows: next } = await db.query("SELECT 1 FROM release_request WHERE previous_id = $1", [req.id]);
    if (next.length > 0) throw new ReleaseError("version-exists", "A newer version of this request already exists.");
    const run = await liveRun(db, req.agreement_slug);
    if (!run) throw new ReleaseError("no-run", "There is no live matching run for this agreement.");
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO release_request (agreement_id, org_id, created_by_id, created_by_name, created_by_email, run_id, title, purpose, audience, version, previous_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        req.agreement_id,
        actor.orgId,
        actor.userId,
        actor.displayName,
        actor.email,
        run.id,
        req.title,
        req.purpose,
        req.audience,
        req.version + 1,
        req.id,
      ],
    );
    const id = rows[0]!.id;
    await db.query(
      `INSERT INTO release_output (request_id, position, table_id, filter_year, filter_district)
       SELECT $2, position, table_id, filter_year, filter_district FROM release_output WHERE request_id = $1`,
      [req.id, id],
    );
    await recordAudit(db, {
      action: "release.request.new-version",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id },
      details: { previous: req.id, version: req.version + 1 },
    });
    return { id };
  });
}

/** Serialises checks and releases on one run, so two approvals cannot each miss the other's release. */
async function lockRun(db: pg.ClientBase, runId: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('release:' || $1, 0))", [runId]);
}

export type Decision = "approve" | "refuse" | "return";

const reviewSchema = z.object({
  requestId: z.string(),
  decision: z.enum(["approve", "refuse", "return"], { error: "Choose approve, refuse or return." }),
  comment: z.string().trim().max(4000, { error: "The comment must be 4000 characters or fewer." }).default(""),
});

export interface ReviewOutcome {
  status: RequestStatus;
  release: { id: string; number: number; label: string } | null;
  /** Organisations whose approval is still awaited. */
  awaiting: string[];
}

/** An approver's decision on a submitted request. The last required approval releases it. */
export async function reviewRequest(
  actor: Actor,
  input: { requestId: string; decision: string; comment?: string; publicUrl?: string },
): Promise<ReviewOutcome> {
  const data = parse(reviewSchema, input);
  const ctx = contextFor(actor);
  return withContextClient(ctx, async (db) => {
    const req = await loadRequest(db, data.requestId, false);
    if (req.created_by_id === actor.userId) throw new ReleaseError("own-request", "You cannot review a release request you made yourself.");
    if (actor.role !== "approver") throw new ReleaseError("not-approver", "Only an approver can approve, refuse or return a release request.");
    const { rows: mine } = await db.query<{ decision: Decision }>("SELECT decision FROM release_review WHERE request_id = $1 AND reviewer_id = $2", [
      req.id,
      actor.userId,
    ]);
    if (mine[0]) {
      const done = { approve: "approved", refuse: "refused", return: "returned" }[mine[0].decision];
      throw new ReleaseError("already-reviewed", `You have already ${done} this request; each approver decides once. Nothing was changed.`);
    }
    // Locked only now: a decided request is not updatable for approvers, so locking it first
    // would hide it and turn "already decided" into "not found".
    const { rows: locked } = await db.query<{ status: RequestStatus }>(
      "SELECT status::text AS status FROM release_request WHERE id = $1 FOR UPDATE",
      [req.id],
    );
    const current = locked[0]?.status ?? req.status;
    if (current !== "submitted") throw new ReleaseError("already-decided", `This request has already been ${current}; nothing was changed.`);
    const orgs = await requiredOrgs(db, req);
    if (!orgs.some((o) => o.id === actor.orgId)) {
      throw new ReleaseError(
        "not-required",
        "Your organisation's approval is not part of this agreement's release rule, so you cannot decide on this request.",
      );
    }
    if (data.decision !== "approve" && data.comment.length === 0) {
      throw new ReleaseError(
        "invalid-input",
        `Say why you ${data.decision === "refuse" ? "refuse" : "return"} the request: the researcher will read it.`,
      );
    }
    const run = await runOf(db, req.run_id);
    if (data.decision === "approve" && !run.live) {
      throw new ReleaseError(
        "run-superseded",
        "The matching run this request rests on has been superseded, so it can no longer be released as checked. Return it so the researcher can make a new version on the live run.",
      );
    }
    await db.query(
      "INSERT INTO release_review (request_id, reviewer_id, reviewer_org_id, reviewer_name, decision, comment) VALUES ($1, $2, $3, $4, $5, $6)",
      [req.id, actor.userId, actor.orgId, actor.displayName, data.decision, data.comment],
    );
    const { rows: approvals } = await db.query<{ reviewer_org_id: string; reviewer_name: string }>(
      "SELECT reviewer_org_id, reviewer_name FROM release_review WHERE request_id = $1 AND decision = 'approve' ORDER BY created_at",
      [req.id],
    );
    const approvedOrgs = new Set(approvals.map((a) => a.reviewer_org_id));
    const awaiting = orgs.filter((o) => !approvedOrgs.has(o.id)).map((o) => o.name);

    let status: RequestStatus = "submitted";
    let release: ReviewOutcome["release"] = null;
    let files = 0;
    if (data.decision === "refuse") status = "refused";
    else if (data.decision === "return") status = "returned";
    else if (awaiting.length === 0) {
      await lockRun(db, req.run_id);
      const outputs = await loadOutputs(db, req.id);
      const now = await computeCheck(db, ctx, req.run_id, outputs);
      const reviewed = req.check_report as CheckReport;
      if (!sameRelease(now, reviewed)) {
        const since = now.crossRelease.earlierReleases.filter((r) => !reviewed.crossRelease.earlierReleases.includes(r));
        throw new ReleaseError(
          "stale-check",
          `Since this request was submitted, ${since.length ? since.join(", ") : "another release or a change of the agreement's threshold"} changed what these outputs may show. Return the request so the researcher can submit a new version; its check will take that into account. Nothing was changed.`,
        );
      }
      status = "approved";
      release = await createRelease(db, {
        request: {
          id: req.id,
          agreementId: req.agreement_id,
          runId: req.run_id,
          title: req.title,
          purpose: req.purpose,
          audience: req.audience,
          version: req.version,
          requestedBy: req.created_by_name,
          organisation: req.org_name,
        },
        outputs,
        // Files come from the recomputed check (equal to the reviewed one, as just verified), never from
        // stored JSON alone.
        report: now,
        approvers: approvals.map((a) => a.reviewer_name),
      });
      files = outputs.length;
    }
    if (status !== "submitted") await db.query("UPDATE release_request SET status = $2, decided_at = now() WHERE id = $1", [req.id, status]);
    await recordAudit(db, {
      action: `release.request.${data.decision}`,
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id: req.id },
      details: { status, awaiting: awaiting.length, release: release?.label ?? null },
    });
    if (release) {
      await recordAudit(db, {
        action: "release.publish",
        outcome: "success",
        actor: auditActor(actor),
        orgId: actor.orgId,
        target: { type: "release", id: release.id },
        details: { number: release.number, request: req.id, files },
      });
    }
    const verdict =
      status === "approved"
        ? `approved and released as ${release!.label}`
        : status === "refused"
          ? "refused"
          : status === "returned"
            ? "returned to you with comments"
            : `approved by ${actor.displayName}; still awaiting ${awaiting.join(", ")}`;
    await queueMail(db, {
      to: req.created_by_email,
      subject: `Your release request "${req.title}" was ${status === "submitted" ? "approved by one approver" : verdict.split(" with")[0]}`
        .slice(0, 250)
        .replace(/[\r\n]+/g, " "),
      text: [
        `Your release request "${req.title}" (version ${req.version}) was ${verdict}.`,
        ...(data.comment ? ["", `Comment from ${actor.displayName}:`, data.comment] : []),
        ...(status === "returned" ? ["", "Make a new version of the request, change what is asked, and submit it again."] : []),
        ...(release ? ["", `It is listed in the public register of releases${input.publicUrl ? `: ${input.publicUrl}/releases` : "."}`] : []),
      ].join("\n"),
      kind: `release.${data.decision === "approve" ? (release ? "released" : "approved") : data.decision === "refuse" ? "refused" : "returned"}`,
      orgId: req.org_id,
    });
    return { status, release, awaiting };
  });
}

export interface RequestSummary {
  id: string;
  title: string;
  status: RequestStatus;
  version: number;
  audience: Audience;
  organisation: string;
  requestedBy: string;
  createdAt: Date;
  submittedAt: Date | null;
  decidedAt: Date | null;
  /** For approvers: this request waits for the actor's decision. */
  awaitingYou: boolean;
  hasNewerVersion: boolean;
}

/** Researchers: their organisation's requests. Approvers: the requests of their agreements, waiting ones first. */
export async function listRequests(actor: Actor): Promise<RequestSummary[]> {
  if (actor.role !== "researcher" && actor.role !== "approver")
    throw new ReleaseError("forbidden", "Only researchers and approvers have release requests.");
  return withContextClient(contextFor(actor), async (db) => {
    type Row = Pick<
      RequestRow,
      "id" | "title" | "status" | "version" | "audience" | "org_name" | "created_by_name" | "created_at" | "submitted_at" | "decided_at"
    >;
    const { rows } = await db.query<Row & { reviewed: boolean; newer: boolean; required: boolean }>(
      `SELECT q.id, q.title, q.status, q.version, q.audience, q.org_name, q.created_by_name, q.created_at, q.submitted_at, q.decided_at,
              EXISTS (SELECT 1 FROM release_review v WHERE v.request_id = q.id AND v.reviewer_id = $1) AS reviewed,
              EXISTS (SELECT 1 FROM release_request n WHERE n.previous_id = q.id) AS newer,
              ($2::uuid = q.owner_org_id
               OR (COALESCE((SELECT data_owners_must_approve FROM release_approval_rule r WHERE r.agreement_id = q.agreement_id), false)
                   AND $2::uuid IN (SELECT org_id FROM matching_run_dataset s WHERE s.run_id = q.run_id))) AS required
       FROM (${REQUEST_SQL}) q
       ORDER BY q.created_at DESC`,
      [actor.userId, actor.orgId],
    );
    const out = rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: r.status,
      version: r.version,
      audience: r.audience,
      organisation: r.org_name,
      requestedBy: r.created_by_name,
      createdAt: r.created_at,
      submittedAt: r.submitted_at,
      decidedAt: r.decided_at,
      awaitingYou: actor.role === "approver" && r.status === "submitted" && !r.reviewed && r.required,
      hasNewerVersion: r.newer,
    }));
    return out.sort((a, b) => Number(b.awaitingYou) - Number(a.awaitingYou));
  });
}

export interface RequestDetail extends RequestSummary {
  purpose: string;
  agreement: string;
  run: { version: number; live: boolean };
  outputs: (OutputDefinition & { id: string; title: string })[];
  reviews: { reviewer: string; decision: Decision; comment: string; at: Date }[];
  requiredApprovals: { organisation: string; approvedBy: string | null }[];
  report: CheckReport | null;
  release: { number: number; label: string; withdrawn: boolean } | null;
  previousId: string | null;
  nextId: string | null;
  canEdit: boolean;
  canReview: boolean;
}

export async function getRequest(actor: Actor, input: { requestId: string }): Promise<RequestDetail> {
  if (actor.role !== "researcher" && actor.role !== "approver")
    throw new ReleaseError("forbidden", "Only researchers and approvers have release requests.");
  const ctx = contextFor(actor);
  return withContextClient(ctx, async (db) => {
    const req = await loadRequest(db, input.requestId, false);
    const outputs = await loadOutputs(db, req.id);
    const run = await runOf(db, req.run_id);
    let titles = new Map<string, string>();
    if (req.status === "draft" && run.live) {
      const { layouts } = await vangeRunPublication(ctx, run);
      titles = new Map(outputs.map((o) => [o.id, safeTitle(() => layoutFor(layouts, o).title)]));
    }
    for (const o of req.check_report?.outputs ?? []) titles.set(o.outputId, o.title);
    const { rows: reviews } = await db.query<{
      reviewer_id: string;
      reviewer_org_id: string;
      reviewer_name: string;
      decision: Decision;
      comment: string;
      created_at: Date;
    }>(
      "SELECT reviewer_id, reviewer_org_id, reviewer_name, decision, comment, created_at FROM release_review WHERE request_id = $1 ORDER BY created_at",
      [req.id],
    );
    const orgs = await requiredOrgs(db, req);
    const { rows: rel } = await db.query<{ number: number; withdrawn_at: Date | null }>(
      "SELECT number, withdrawn_at FROM release WHERE request_id = $1",
      [req.id],
    );
    const { rows: next } = await db.query<{ id: string }>("SELECT id FROM release_request WHERE previous_id = $1", [req.id]);
    let report = req.check_report;
    // Zero counts speak about withheld cells: the approver weighs them, the researcher does not see them.
    if (report && actor.role !== "approver") report = { ...report, outputs: report.outputs.map((o) => ({ ...o, zeroCells: null })) };
    const reviewed = reviews.some((r) => r.reviewer_id === actor.userId);
    const required = orgs.some((o) => o.id === actor.orgId);
    // The page shows the outputs' figures: a view is recorded like a dashboard view.
    await recordAuditNow({
      action: "release.request.view",
      outcome: "success",
      actor: auditActor(actor),
      orgId: actor.orgId,
      target: { type: "release_request", id: req.id },
      details: { status: req.status, version: req.version },
    });
    return {
      id: req.id,
      title: req.title,
      status: req.status,
      version: req.version,
      audience: req.audience,
      organisation: req.org_name,
      requestedBy: req.created_by_name,
      createdAt: req.created_at,
      submittedAt: req.submitted_at,
      decidedAt: req.decided_at,
      awaitingYou: actor.role === "approver" && req.status === "submitted" && !reviewed && required,
      hasNewerVersion: next.length > 0,
      purpose: req.purpose,
      agreement: req.agreement_name,
      run: { version: run.version, live: run.live },
      outputs: outputs.map((o) => ({ ...o, title: titles.get(o.id) ?? o.table })),
      reviews: reviews.map((r) => ({ reviewer: r.reviewer_name, decision: r.decision, comment: r.comment, at: r.created_at })),
      requiredApprovals: orgs.map((o) => ({
        organisation: o.name,
        approvedBy: reviews.find((r) => r.reviewer_org_id === o.id && r.decision === "approve")?.reviewer_name ?? null,
      })),
      report,
      release: rel[0] ? { number: rel[0].number, label: releaseLabel(rel[0].number), withdrawn: rel[0].withdrawn_at !== null } : null,
      previousId: req.previous_id,
      nextId: next[0]?.id ?? null,
      canEdit: actor.role === "researcher" && req.status === "draft",
      canReview: actor.role === "approver" && req.status === "submitted" && !reviewed && required && req.created_by_id !== actor.userId,
    };
  });
}

function safeTitle(f: () => string): string {
  try {
    return f();
  } catch {
    return "Not in the live run's dashboard";
  }
}

/** The tables a researcher may add: every dashboard table of the live run, and the filters it offers. */
export async function outputCatalogue(
  actor: Actor,
  input: { agreement?: string } = {},
): Promise<{ tables: { id: string; title: string; section: string }[]; years: number[]; districts: string[] } | null> {
  requireRole(actor, "researcher", "build a release request");
  const ctx = contextFor(actor);
  return withContextClient(ctx, async (db) => {
    const run = await liveRun(db, input.agreement ?? PILOT_AGREEMENT);
    if (!run) return null;
    const { layouts, domains } = await vangeRunPublication(ctx, run);
    const tables = layouts
      .filter((l) => l.spec.id.startsWith("all/all:"))
      .map((l) => ({ id: l.spec.id.slice("all/all:".length), title: l.title, section: l.section }));
    return { tables, years: domains.year, districts: domains.districts };
  });
}
