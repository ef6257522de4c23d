import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/embedded";
import { startMailWorker, stopMailWorker } from "@/lib/mail";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { runMatchingInProcess } from "@/lib/matching/jobs";
import {
  addOutput,
  createDraft,
  getRequest,
  listRequests,
  newVersion,
  releasedFile,
  listApprovalRules,
  releaseRegister,
  reviewRequest,
  setApprovalRule,
  submitRequest,
  withdrawRelease,
  type Actor,
  type ReleaseErrorCode,
} from "@/lib/release";
import { releaseDir } from "@/lib/release/publish";
import { createActor, createOrganisation } from "../factories";
import { setUpPilot, type Pilot } from "../matching/helpers";
import { startSmtpPeer, type SmtpPeer } from "../mail/smtp-peer";

let pilot: Pilot;
let slug: string;
let researcher: Actor;
let colleague: Actor;
let outsider: Actor;
let approver: Actor;
let approver2: Actor;
let foreignApprover: Actor;
let peer: SmtpPeer;

const draft = (actor: Actor, title = "GLD in Vange") =>
  createDraft(actor, { agreement: slug, title, purpose: "Annual report on school readiness", audience: "publication" });

async function refused(p: Promise<unknown>, code: ReleaseErrorCode): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect((e as { code?: string }).code, (e as Error).message).toBe(code);
    return (e as Error).message;
  }
  throw new Error(`expected a refusal (${code}), but it succeeded`);
}

/** Reads as the platform's system context (the outbox and the trail are not the researchers' to read). */
async function ownerQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withContextClient({ kind: "system", purpose: "test" }, async (c) => (await c.query<T>(sql, params)).rows);
}

/** What a request looks like in the database: to prove a refusal changed nothing. */
async function snapshot(requestId: string) {
  const [req] = await ownerQuery("SELECT status::text, check_report::text AS report, decided_at FROM release_request WHERE id = $1", [requestId]);
  const outputs = await ownerQuery("SELECT id, table_id FROM release_output WHERE request_id = $1 ORDER BY position", [requestId]);
  const reviews = await ownerQuery("SELECT reviewer_id, decision FROM release_review WHERE request_id = $1 ORDER BY created_at", [requestId]);
  const releases = await ownerQuery("SELECT number FROM release WHERE request_id = $1", [requestId]);
  return { req, outputs, reviews, releases };
}

beforeAll(async () => {
  // Notices go out over real SMTP to a peer on loopback, as in production.
  const port = await findFreePort(48_000 + Math.floor(Math.random() * 2_000));
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.MAIL_FROM = "Essex Data Platform <no-reply@portal.test>";
  peer = await startSmtpPeer(port);
  pilot = await setUpPilot({ households: 900, childrenPerYear: 150, seed: 12 });
  await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
  slug = (await withContext({ kind: "system", purpose: "test" }, (tx) => tx.agreement.findUniqueOrThrow({ where: { id: pilot.agreementId } }))).slug;
  const university = (await createOrganisation({ kind: "university" })).id;
  const otherUniversity = (await createOrganisation({ kind: "university" })).id;
  researcher = await createActor(university, "researcher", { displayName: "Rita Researcher" });
  colleague = await createActor(university, "researcher", { displayName: "Colin Colleague" });
  outsider = await createActor(otherUniversity, "researcher", { displayName: "Olga Outsider" });
  // The agreement's owner is the pilot's county council.
  approver = await createActor(pilot.orgs.county, "approver", { displayName: "Anna Approver" });
  approver2 = await createActor(pilot.orgs.county, "approver", { displayName: "Ben Approver" });
  // An approver whose organisation is party to no agreement of this pilot.
  foreignApprover = await createActor((await createOrganisation({ kind: "county_council" })).id, "approver", { displayName: "Fay Foreign" });
  await startMailWorker({ retryLimit: 2, retryDelay: 1, retryBackoff: true, pollingIntervalSeconds: 0.5, failedRetryMinutes: 60 });
}, 300_000);

afterAll(async () => {
  await stopMailWorker();
  await peer?.stop();
  await stopJobQueue();
  await closeDatabase();
});

describe("a release request from draft to release", () => {
  let requestId: string;

  it("collects outputs by definition and submits them with the platform's check report", async () => {
    requestId = (await draft(researcher)).id;
    await addOutput(researcher, { requestId, table: "gld-gender", year: null, district: null });
    await addOutput(researcher, { requestId, table: "gld-oa", year: 2016, district: null });
    await refused(addOutput(researcher, { requestId, table: "gld-gender", year: null, district: null }), "duplicate-output");
    await refused(addOutput(researcher, { requestId, table: "no-such-table", year: null, district: null }), "unknown-output");
    await refused(addOutput(researcher, { requestId, table: "gld", year: 1999, district: null }), "unknown-output");

    const { report } = await submitRequest(researcher, { requestId });
    expect(report.outputs).toHaveLength(2);
    expect(report.threshold).toBe(5);
    expect(report.run.version).toBeGreaterThan(0);
    expect(report.batches.length).toBeGreaterThanOrEqual(6);
    expect(report.dataPeriod).toMatch(/Assessment year/);
    const oa = report.outputs.find((o) => o.table === "gld-oa")!;
    expect(oa.suppressedPrimary + oa.suppressedSecondary).toBeGreaterThan(0);
    expect(oa.zeroCells).not.toBeNull();
    for (const o of report.outputs) {
      expect(o.threshold).toBe(5);
      if (o.smallestPublishedDenominator !== null) expect(o.smallestPublishedDenominator).toBeGreaterThan(5);
    }
    // Rendered exactly as released: no count at or below the threshold is shown.
    for (const r of report.rendered) {
      for (const c of r.table.cells)
        for (const v of [c.value, c.numerator, c.denominator])
          if (v && !v.suppressed && v.value !== null && r.table.measure === "count") expect(v.value).toBeGreaterThan(5);
    }
    expect(report.crossRelease.earlierReleases).toEqual([]);

    const detail = await getRequest(researcher, { requestId });
    expect(detail.status).toBe("submitted");
    // The researcher does not see how many withheld cells are zeros; the approver does.
    expect(detail.report!.outputs.every((o) => o.zeroCells === null)).toBe(true);
    expect((await getRequest(approver, { requestId })).report!.outputs.some((o) => o.zeroCells !== null)).toBe(true);
  });

  it("keeps a submitted request immutable, even against direct writes", async () => {
    const before = await snapshot(requestId);
    await refused(newVersion(researcher, { requestId }), "under-review");
    await refused(addOutput(researcher, { requestId, table: "gld", year: null, district: null }), "not-draft");
    await refused(submitRequest(researcher, { requestId }), "not-draft");
    await expect(
      withContextClient({ kind: "researcher", userId: researcher.userId }, (c) =>
        c.query("UPDATE release_request SET title = 'changed' WHERE id = $1", [requestId]),
      ),
    ).rejects.toThrow(/no longer a draft/);
    await expect(
      withContextClient({ kind: "researcher", userId: researcher.userId }, (c) =>
        c.query("DELETE FROM release_output WHERE request_id = $1", [requestId]),
      ),
    ).rejects.toThrow(/cannot change once it is submitted/);
    expect(await snapshot(requestId)).toEqual(before);
  });

  it("told the approvers of the owner organisation by e-mail, in the submitting transaction", async () => {
    const mail = await ownerQuery<{ to_address: string; subject: string }>(
      "SELECT to_address, subject FROM notification_outbox WHERE kind = 'release.submitted' AND to_address = ANY($1) ORDER BY to_address",
      [[approver.email, approver2.email, foreignApprover.email]],
    );
    expect(mail.map((m) => m.to_address).sort()).toEqual([approver.email, approver2.email].sort());
    expect(mail[0]!.subject).toContain("GLD in Vange");
  });

  it("refuses the researcher approving their own request, and a researcher approving at all; nothing changes", async () => {
    const before = await snapshot(requestId);
    expect(await refused(reviewRequest(researcher, { requestId, decision: "approve" }), "own-request")).toMatch(/you made yourself/);
    await refused(reviewRequest(colleague, { requestId, decision: "approve" }), "not-approver");
    await refused(reviewRequest(foreignApprover, { requestId, decision: "approve" }), "not-found");
    expect(await snapshot(requestId)).toEqual(before);
  });

  it("an approver returns it with a comment; the researcher is told and makes a new version", async () => {
    await refused(reviewRequest(approver, { requestId, decision: "return" }), "invalid-input");
    const out = await reviewRequest(approver, { requestId, decision: "return", comment: "Drop the output-area table: too fine for publication." });
    expect(out.status).toBe("returned");
    const [mail] = await ownerQuery<{ text: string; subject: string }>(
      "SELECT body AS text, subject FROM notification_outbox WHERE kind = 'release.returned' AND to_address = $1",
      [researcher.email],
    );
    expect(mail!.text).toContain("Drop the output-area table");
    // And it reaches the researcher's mailbox over SMTP.
    const delivered = await peer.waitFor((m) => m.envelopeTo.includes(researcher.email) && /GLD in Vange/.test(m.parsed.subject ?? ""), 30_000);
    expect(delivered.parsed.text).toContain("Drop the output-area table");
    await refused(reviewRequest(approver2, { requestId, decision: "approve" }), "already-decided");

    const next = await newVersion(researcher, { requestId });
    await refused(newVersion(researcher, { requestId }), "version-exists");
    const v2 = await getRequest(researcher, { requestId: next.id });
    expect(v2.version).toBe(2);
    expect(v2.status).toBe("draft");
    expect(v2.outputs.map((o) => o.table)).toEqual(["gld-gender", "gld-oa"]);
    requestId = next.id;
  });

  it("the approver queue shows waiting requests first, and no drafts", async () => {
    const queue = await listRequests(approver);
    expect(queue.find((r) => r.id === requestId)).toBeUndefined(); // still a draft
    const v2 = await getRequest(researcher, { requestId });
    const oaOutput = v2.outputs.find((o) => o.table === "gld-oa")!;
    const { removeOutput } = await import("@/lib/release");
    await removeOutput(researcher, { requestId, outputId: oaOutput.id });
    await submitRequest(researcher, { requestId });
    const after = await listRequests(approver);
    expect(after[0]!.id).toBe(requestId);
    expect(after[0]!.awaitingYou).toBe(true);
  });

  let releaseNumber: number;
  let fileId: string;

  it("approval releases it: numbered, hashed, in the public register; approving twice changes nothing", async () => {
    const out = await reviewRequest(approver, { requestId, decision: "approve" });
    expect(out.status).toBe("approved");
    expect(out.release!.label).toMatch(/^R-\d{4}$/);
    releaseNumber = out.release!.number;

    const before = await snapshot(requestId);
    expect(await refused(reviewRequest(approver, { requestId, decision: "approve" }), "already-reviewed")).toMatch(/already approved/);
    expect(await snapshot(requestId)).toEqual(before);

    const register = await releaseRegister();
    const entry = register.find((r) => r.number === releaseNumber)!;
    expect(entry.title).toBe("GLD in Vange");
    expect(entry.approvers).toBe("Anna Approver");
    expect(entry.withdrawn).toBeNull();
    // One CSV per output, and the PDF report with the approval record.
    expect(entry.files.map((f) => f.kind)).toEqual(["table", "report"]);
    fileId = entry.files[0]!.id;
    const pdf = await releasedFile({ fileId: entry.files[1]!.id });
    expect(pdf.contentType).toBe("application/pdf");
    expect(pdf.sha256).toBe(entry.files[1]!.sha256);
    expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const file = await releasedFile({ fileId });
    expect(file.sha256).toBe(entry.files[0]!.sha256);
    expect(file.bytes.toString("utf8")).toContain(`Release ${out.release!.label}`);
    // Released bytes are the reviewed table.
    const detail = await getRequest(researcher, { requestId });
    const shown = detail.report!.rendered[0]!.display;
    for (const row of shown.rows) expect(file.bytes.toString("utf8")).toContain(row.join(","));
    expect(detail.release?.label).toBe(out.release!.label);

    const [mail] = await ownerQuery<{ subject: string }>(
      "SELECT subject FROM notification_outbox WHERE kind = 'release.released' AND to_address = $1",
      [researcher.email],
    );
    expect(mail!.subject).toContain("approved and released");

    const audit = await ownerQuery<{ action: string }>("SELECT action FROM audit_event WHERE target_id = ANY($1) ORDER BY id", [
      [requestId, entry.id],
    ]);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "release.request.new-version",
        "release.request.submit",
        "release.request.view",
        "release.request.approve",
        "release.publish",
      ]),
    );
  });

  it("a released file that was changed on disk is refused with a clear message, not served", async () => {
    const entry = (await releaseRegister()).find((r) => r.number === releaseNumber)!;
    const file = path.join(releaseDir(releaseNumber), entry.files[0]!.name);
    const original = fs.readFileSync(file);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, original.toString("utf8").replace(/\d+/, "999"));
    expect(await refused(releasedFile({ fileId }), "file-tampered")).toMatch(/no longer matches the SHA-256/);
    fs.writeFileSync(file, original);
    expect((await releasedFile({ fileId })).sha256).toBe(entry.files[0]!.sha256);
  });

  it("a later request on the same run is protected against the release and names no conflict when there is none", async () => {
    const id = (await draft(researcher, "Same table again")).id;
    await addOutput(researcher, { requestId: id, table: "gld-gender", year: null, district: null });
    const { report } = await submitRequest(researcher, { requestId: id });
    const released = (await getRequest(researcher, { requestId })).report!.rendered[0]!.table;
    expect(report.crossRelease.earlierReleases).toContain(`R-${String(releaseNumber).padStart(4, "0")}`);
    expect(report.rendered[0]!.table.cells).toEqual(released.cells);
  });

  it("withdrawal keeps the release in the register with its reason, and its files are no longer served", async () => {
    await refused(withdrawRelease(researcher, { number: releaseNumber, reason: "x" }), "forbidden");
    await refused(withdrawRelease(approver, { number: releaseNumber, reason: " " }), "invalid-input");
    await withdrawRelease(approver, { number: releaseNumber, reason: "Basildon withdrew its 2016 batch." });
    await refused(withdrawRelease(approver, { number: releaseNumber, reason: "again" }), "already-withdrawn");
    const entry = (await releaseRegister()).find((r) => r.number === releaseNumber)!;
    expect(entry.withdrawn?.reason).toBe("Basildon withdrew its 2016 batch.");
    expect(await refused(releasedFile({ fileId }), "withdrawn")).toMatch(/withdrawn/);
  });
});

describe("release requests under row-level security", () => {
  it("researchers see their own organisation's requests only; approvers of other agreements see nothing", async () => {
    const id = (await draft(researcher, "Org-only")).id;
    await addOutput(researcher, { requestId: id, table: "children", year: null, district: null });
    await submitRequest(researcher, { requestId: id });
    expect((await listRequests(colleague)).some((r) => r.id === id)).toBe(true);
    expect((await listRequests(outsider)).some((r) => r.id === id)).toBe(false);
    await refused(getRequest(outsider, { requestId: id }), "not-found");
    expect((await listRequests(foreignApprover)).length).toBe(0);
    await refused(getRequest(foreignApprover, { requestId: id }), "not-found");
    expect((await listRequests(approver)).some((r) => r.id === id)).toBe(true);
    // Directly in SQL, as the application role: the other organisation's rows are not there.
    const rows = await withContextClient({ kind: "researcher", userId: outsider.userId }, async (c) => {
      const q = await c.query("SELECT id FROM release_request WHERE id = $1", [id]);
      const o = await c.query("SELECT id FROM release_output WHERE request_id = $1", [id]);
      const u = await c.query("UPDATE release_request SET title = 'x' WHERE id = $1", [id]);
      return { q: q.rowCount, o: o.rowCount, u: u.rowCount };
    });
    expect(rows).toEqual({ q: 0, o: 0, u: 0 });
    // Without any context nothing is visible at all.
    const none = await withContextClient({ kind: "matching" }, async (c) => (await c.query("SELECT id FROM release_request")).rowCount);
    expect(none).toBe(0);
  });

  it("a researcher cannot insert a request for another organisation", async () => {
    const run = await ownerQuery<{ run_id: string }>("SELECT run_id FROM matching_live WHERE agreement_id = $1", [pilot.agreementId]);
    await expect(
      withContextClient({ kind: "researcher", userId: outsider.userId }, (c) =>
        c.query(
          `INSERT INTO release_request (agreement_id, org_id, created_by_id, created_by_name, created_by_email, run_id, title, purpose, audience)
           VALUES ($1, $2, $3, 'x', 'x@x', $4, 't', 'p', 'internal')`,
          [pilot.agreementId, researcher.orgId, outsider.userId, run[0]!.run_id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});

describe("bad input changes nothing", () => {
  it("a request with no outputs cannot be submitted", async () => {
    const id = (await draft(researcher, "Empty")).id;
    const before = await snapshot(id);
    expect(await refused(submitRequest(researcher, { requestId: id }), "no-outputs")).toMatch(/at least one table/);
    expect(await snapshot(id)).toEqual(before);
  });

  it("a draft validates its title, purpose and audience", async () => {
    await refused(createDraft(researcher, { agreement: slug, title: " ", purpose: "p", audience: "publication" }), "invalid-input");
    await refused(createDraft(researcher, { agreement: slug, title: "t", purpose: "p", audience: "press" }), "invalid-input");
    await refused(createDraft(approver, { agreement: slug, title: "t", purpose: "p", audience: "internal" }), "forbidden");
  });

  it("an output whose matching run was superseded cannot be submitted or approved", async () => {
    const pending = (await draft(researcher, "Before the new run")).id;
    await addOutput(researcher, { requestId: pending, table: "gld-fsm", year: null, district: null });
    const submitted = (await draft(researcher, "Submitted before the new run")).id;
    await addOutput(researcher, { requestId: submitted, table: "gld-season", year: null, district: null });
    await submitRequest(researcher, { requestId: submitted });

    await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });

    const before = await snapshot(pending);
    expect(await refused(submitRequest(researcher, { requestId: pending }), "run-superseded")).toMatch(/superseded/);
    expect(await snapshot(pending)).toEqual(before);
    const beforeSubmitted = await snapshot(submitted);
    await refused(reviewRequest(approver, { requestId: submitted, decision: "approve" }), "run-superseded");
    expect(await snapshot(submitted)).toEqual(beforeSubmitted);
    // A new version moves to the live run and can go through.
    const next = await newVersion(researcher, { requestId: submitted });
    await refused(newVersion(researcher, { requestId: pending }), "not-draft");
    const { report } = await submitRequest(researcher, { requestId: next.id });
    expect(report.run.version).toBeGreaterThan((await getRequest(researcher, { requestId: submitted })).run.version);
    // Releases of the earlier run are named for the approver, not checked jointly (other data).
    expect(report.crossRelease.earlierReleases).toEqual([]);
    expect(report.crossRelease.otherRuns.length).toBeGreaterThan(0);
    expect(report.crossRelease.otherRuns[0]).toMatch(/^R-\d{4} \(matching run \d+\)$/);
  });
});

describe("cross-release protection on the platform", () => {
  it("a later request keeps every value an earlier release withheld, even after the threshold is lowered, and names that release", async () => {
    const first = (await draft(researcher, "Output areas at threshold 5")).id;
    await addOutput(researcher, { requestId: first, table: "gld-oa", year: null, district: null });
    await submitRequest(researcher, { requestId: first });
    const released = await reviewRequest(approver, { requestId: first, decision: "approve" });
    const earlier = (await getRequest(researcher, { requestId: first })).report!.rendered[0]!.table;

    await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.agreement.update({ where: { id: pilot.agreementId }, data: { suppressionThreshold: 3 } }),
    );
    try {
      const second = (await draft(researcher, "Output areas at threshold 3")).id;
      await addOutput(researcher, { requestId: second, table: "gld-oa", year: null, district: null });
      const { report } = await submitRequest(researcher, { requestId: second });
      expect(report.threshold).toBe(3);
      const later = report.rendered[0]!.table;
      // Nothing the earlier release withheld is shown now.
      later.cells.forEach((cell, i) => {
        const before = earlier.cells[i]!;
        expect(cell.key).toEqual(before.key);
        for (const part of ["numerator", "denominator"] as const)
          if (before[part]?.suppressed) expect(cell[part]?.suppressed, JSON.stringify(cell.key)).toBe(true);
      });
      // At threshold 3 the dashboard would show some of them: the earlier release forced them.
      expect(report.crossRelease.forced).toBeGreaterThan(0);
      expect(report.crossRelease.forcedBy).toEqual([released.release!.label]);
      expect(report.outputs[0]!.forcedBy).toEqual([released.release!.label]);
      expect(later.cells.some((c) => c.forcedBy?.includes(released.release!.label))).toBe(true);
    } finally {
      await withContext({ kind: "system", purpose: "test" }, (tx) =>
        tx.agreement.update({ where: { id: pilot.agreementId }, data: { suppressionThreshold: 5 } }),
      );
    }
  });
});

describe("a release between submission and approval", () => {
  it("changes what an approved request may show: the approval is refused as stale and nothing changes", async () => {
    const setThreshold = (n: number) =>
      withContext({ kind: "system", purpose: "test" }, (tx) =>
        tx.agreement.update({ where: { id: pilot.agreementId }, data: { suppressionThreshold: n } }),
      );
    const output = { table: "gld-oa", year: 2015, district: null };
    const waiting = (await draft(researcher, "Checked at threshold 5")).id;
    await addOutput(researcher, { requestId: waiting, ...output });
    const checked = (await submitRequest(researcher, { requestId: waiting })).report.rendered[0]!.table;
    await setThreshold(3);
    try {
      const other = (await draft(researcher, "Released at threshold 3")).id;
      await addOutput(researcher, { requestId: other, ...output });
      const lighter = (await submitRequest(researcher, { requestId: other })).report.rendered[0]!.table;
      // Precondition: at threshold 3 something is shown that the waiting request withholds.
      const shown = (c: (typeof lighter.cells)[number]) => c.denominator?.suppressed === false && c.denominator.value !== null;
      expect(lighter.cells.some((c, i) => shown(c) && !shown(checked.cells[i]!))).toBe(true);
      await reviewRequest(approver, { requestId: other, decision: "approve" });
    } finally {
      await setThreshold(5);
    }
    const before = await snapshot(waiting);
    expect(await refused(reviewRequest(approver, { requestId: waiting, decision: "approve" }), "stale-check")).toMatch(/Return the request/);
    expect(await snapshot(waiting)).toEqual(before);
  });
});

describe("more than one data owner", () => {
  it("with the agreement's rule on, the owner and every data owner of the run must each approve", async () => {
    const boroughApprover = await createActor(pilot.orgs.borough, "approver", { displayName: "Bob Borough" });
    const policeApprover = await createActor(pilot.orgs.police, "approver", { displayName: "Pat Police" });
    const id = (await draft(researcher, "Needs everyone")).id;
    await addOutput(researcher, { requestId: id, table: "gld-fsm", year: null, district: null });
    await submitRequest(researcher, { requestId: id });
    // Rule off: a data owner's approver is not asked (and may not decide), the owner alone releases.
    await refused(reviewRequest(boroughApprover, { requestId: id, decision: "approve" }), "not-required");

    const admin = await createActor((await createOrganisation({ kind: "platform_operator" })).id, "administrator");
    await refused(setApprovalRule(approver, { agreementId: pilot.agreementId, dataOwnersMustApprove: true }), "forbidden");
    await setApprovalRule(admin, { agreementId: pilot.agreementId, dataOwnersMustApprove: true });
    const rule = (await listApprovalRules(admin)).find((r) => r.agreementId === pilot.agreementId)!;
    expect(rule.dataOwnersMustApprove).toBe(true);
    expect(rule.dataOwners.length).toBe(3);
    try {
      const first = await reviewRequest(approver, { requestId: id, decision: "approve" });
      expect(first.status).toBe("submitted");
      expect(first.awaiting.length).toBe(2);
      const detail = await getRequest(approver, { requestId: id });
      expect(detail.requiredApprovals.filter((a) => a.approvedBy === null)).toHaveLength(2);
      // A second approver of the same organisation adds nothing: the county's approval is given.
      const second = await reviewRequest(approver2, { requestId: id, decision: "approve" });
      expect(second.awaiting.length).toBe(2);
      expect((await reviewRequest(boroughApprover, { requestId: id, decision: "approve" })).status).toBe("submitted");
      const last = await reviewRequest(policeApprover, { requestId: id, decision: "approve" });
      expect(last.status).toBe("approved");
      const entry = (await releaseRegister()).find((r) => r.number === last.release!.number)!;
      expect(entry.approvers.split(", ").sort()).toEqual(["Anna Approver", "Ben Approver", "Bob Borough", "Pat Police"]);
    } finally {
      await setApprovalRule(admin, { agreementId: pilot.agreementId, dataOwnersMustApprove: false });
    }
    const [audit] = await ownerQuery<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'release.rule.set' AND target_id = $1",
      [pilot.agreementId],
    );
    expect(audit!.n).toBe(2);
  });
});
