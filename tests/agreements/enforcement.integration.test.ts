import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgreementEndedError, outputsAccess } from "@/lib/agreements/in-force";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { vangeDashboard, vangeDashboardJson } from "@/lib/dashboards/service";
import { AppError } from "@/lib/errors";
import { formUpload, startUpload, type Uploader } from "@/lib/ingest/http-upload";
import { UploadRefusedError } from "@/lib/ingest/pipeline";
import { datasetsSuppliedBy } from "@/lib/ingest/supplied-datasets";
import { AdminInputError, createAccount, type AdminActor } from "@/lib/idp/admin";
import { stopJobQueue } from "@/lib/queue/boss";
import { installJobQueue } from "@/lib/jobs/install";
import { handleMatchingJob, requestMatchingRun } from "@/lib/matching/jobs";
import { inboxFormSchema, saveInbox } from "@/lib/sftp/inbox";
import { pollInbox } from "@/lib/sftp/poll";
import { createAgreement, createOrganisation, createUser, daysFromToday } from "../factories";
import { csvText, filesUnder, ingest, makeTempDataDir } from "../ingest/helpers";
import { startTestSftpServer, type TestSftpServer } from "../sftp/sshd";

const dataDir = makeTempDataDir();
let server: TestSftpServer;
let borough: { id: string; slug: string; name: string };
let police: { id: string; slug: string; name: string };
let analyst: Uploader;
let admin: AdminActor;

beforeAll(async () => {
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  server = await startTestSftpServer();
  const county = await createOrganisation({ kind: "county_council" });
  borough = await createOrganisation({ kind: "borough_council", name: "Test Borough Council" });
  police = await createOrganisation({ kind: "police", name: "Test Constabulary" });
  await createAgreement({
    ownerOrgId: county.id,
    suppliers: { "housing-benefits": borough.id, "police-crime": police.id, "social-care": county.id },
  });
  const user = await createUser(police.id, { role: "partner_analyst" });
  analyst = { userId: user.id, email: user.email, role: "partner_analyst", orgId: police.id };
  const ops = await createOrganisation({ kind: "platform_operator" });
  const a = await createUser(ops.id, { role: "administrator" });
  admin = { userId: a.id, email: a.email, role: "administrator" };
});
afterAll(async () => {
  await server?.stop();
  await stopJobQueue();
  await closeDatabase();
});

const NOT_SUPPLIER =
  /Test Constabulary is not named as the supplier of .*Housing.* in any data-sharing agreement, so the file was refused and nothing was stored/;

async function batchesOf(orgId: string) {
  return withContextClient(
    { kind: "org", orgId },
    async (c) => (await c.query<{ dataset_id: string; status: string }>(`SELECT dataset_id, status FROM upload_batch`)).rows,
  );
}

async function housingRowsOf(orgId: string) {
  return withContextClient(
    { kind: "org", orgId },
    async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ds_housing_benefits WHERE org_id = $1`, [orgId])).rows[0]!.n,
  );
}

async function refusals(orgId: string) {
  return withContext({ kind: "system", purpose: "test" }, (tx) =>
    tx.auditEvent.findMany({ where: { orgId, action: "ingest.upload_refused" }, orderBy: { id: "asc" } }),
  );
}

function storedFilesOf(orgId: string) {
  return filesUnder(dataDir).filter((f) => f.includes(orgId));
}

describe("a police organisation cannot load housing data", () => {
  it("is not offered the dataset on the upload form, only its own", async () => {
    expect(await datasetsSuppliedBy({ kind: "org", orgId: police.id })).toEqual(["police-crime"]);
  });

  it("through the form: a crafted POST is refused with the reason and nothing is stored", async () => {
    const form = new FormData();
    form.set("dataset", "housing-benefits");
    form.set("file", new File([new Uint8Array(await csvText("housing-benefits", 20))], "housing.csv", { type: "text/csv" }));
    const out = await formUpload(analyst, { contentLength: null, readForm: async () => form });
    expect(out).toEqual({ error: expect.stringMatching(NOT_SUPPLIER) });
    expect(await batchesOf(police.id)).toEqual([]);
    expect(await housingRowsOf(police.id)).toBe(0);
    expect(storedFilesOf(police.id)).toEqual([]);
  });

  it("through the API: refused (the adapter answers 403) with the reason before the body is read, nothing stored", async () => {
    const body = await csvText("housing-benefits", 20);
    const refused = await startUpload(analyst, {
      query: new URLSearchParams({ dataset: "housing-benefits", filename: "h.csv" }),
      contentType: "text/csv",
      contentLength: String(body.length),
      body: new Blob([new Uint8Array(body)]).stream(),
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ kind: "forbidden", code: "agreement-not-supplier", message: expect.stringMatching(NOT_SUPPLIER) });
    expect(await batchesOf(police.id)).toEqual([]);
    expect(storedFilesOf(police.id)).toEqual([]);
  });

  it("through the pipeline itself (every path's entry): the same refusal, as a typed error", async () => {
    const err = await ingest(police.id, "housing-benefits", await csvText("housing-benefits", 5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadRefusedError);
    expect((err as UploadRefusedError).code).toBe("not-supplier");
    expect(await batchesOf(police.id)).toEqual([]);
  });

  it("through SFTP: the file goes to rejected/ with the reason in its result, nothing loaded", async () => {
    const dir = path.join(server.root, police.id);
    fs.mkdirSync(dir, { recursive: true });
    const saved = await saveInbox(
      { kind: "admin", userId: admin.userId },
      { label: "test-admin" },
      inboxFormSchema.parse({
        orgId: police.id,
        host: server.host,
        port: String(server.port),
        username: server.username,
        authMethod: "private_key",
        credential: server.privateKey,
        hostKeyFingerprint: server.hostKeyFingerprint,
        directory: dir,
        enabled: "on",
        pollIntervalMinutes: "15",
      }),
    );
    if (!saved.ok) throw new Error(saved.message);
    fs.writeFileSync(path.join(dir, "housing-benefits.csv"), await csvText("housing-benefits", 20));
    fs.writeFileSync(path.join(dir, "housing-benefits.csv.done"), "");
    const polled = await pollInbox(saved.id);
    expect(polled.files).toEqual([expect.objectContaining({ name: "housing-benefits.csv", message: expect.stringMatching(NOT_SUPPLIER) })]);
    expect(fs.existsSync(path.join(dir, "rejected", "housing-benefits.csv"))).toBe(true);
    const result = JSON.parse(fs.readFileSync(path.join(dir, "housing-benefits.csv.result.json"), "utf8")) as { status: string; message: string };
    expect(result).toMatchObject({ status: "refused", message: expect.stringMatching(NOT_SUPPLIER) });
    expect(await batchesOf(police.id)).toEqual([]);
    expect(await housingRowsOf(police.id)).toBe(0);
  });

  it("through the command line: exit 1 with the reason", async () => {
    const file = path.join(dataDir, "police-housing.csv");
    fs.writeFileSync(file, await csvText("housing-benefits", 10));
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--import",
        "./scripts/shims/register.mjs",
        "scripts/ingest.ts",
        "--org",
        police.slug,
        "--dataset",
        "housing-benefits",
        file,
      ],
      {
        env: { ...process.env, PORTAL_DATA_DIR: dataDir },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(stderr).toMatch(NOT_SUPPLIER);
    expect(code).toBe(1);
    expect(await batchesOf(police.id)).toEqual([]);
  }, 60_000);

  it("while its own dataset loads, recording the agreement on the batch; each refusal above is in the audit trail", async () => {
    const r = await ingest(police.id, "police-crime", await csvText("police-crime", 10));
    expect(r.status).toBe("loaded");
    const batch = await withContext({ kind: "org", orgId: police.id }, (tx) => tx.uploadBatch.findUniqueOrThrow({ where: { id: r.batchId } }));
    expect(batch.agreementId).not.toBeNull();
    const events = await refusals(police.id);
    expect(events.map((e) => (e.details as { source: string }).source)).toEqual(["browser", "browser", "cli", "sftp", "cli"]);
    expect(events.every((e) => e.outcome === "denied" && e.targetId === "housing-benefits")).toBe(true);
  });
});

describe("an agreement past its end date", () => {
  let ended: { id: string; slug: string };
  let supplier: { id: string };

  beforeAll(async () => {
    const owner = await createOrganisation({ kind: "county_council" });
    supplier = await createOrganisation({ kind: "borough_council", name: "Ended Borough Council" });
    ended = await createAgreement({
      ownerOrgId: owner.id,
      name: "Finished pilot",
      suppliers: { "housing-benefits": supplier.id },
      startDate: daysFromToday(-400),
      endDate: daysFromToday(-2),
    });
  });

  it("takes no upload, says when it ended, and offers nothing on the form", async () => {
    const err = await ingest(supplier.id, "housing-benefits", await csvText("housing-benefits", 5)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadRefusedError);
    expect((err as Error).message).toMatch(
      /The agreement "Finished pilot" under which Ended Borough Council supplied .* ended on \d{1,2} \w+ \d{4}\. No data is taken after an agreement ends/,
    );
    expect(await batchesOf(supplier.id)).toEqual([]);
    expect(await datasetsSuppliedBy({ kind: "org", orgId: supplier.id })).toEqual([]);
  });

  it("runs no matching: none is queued, and one queued before the end stops without running", async () => {
    await expect(requestMatchingRun({ trigger: "on-demand", agreementId: ended.id })).rejects.toBeInstanceOf(AgreementEndedError);
    expect(await withContext({ kind: "matching" }, (tx) => tx.matchingRun.count({ where: { agreementId: ended.id } }))).toBe(0);

    const queued = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.create({ data: { agreementId: ended.id, trigger: "on-demand" } }));
    await handleMatchingJob({ data: { runId: queued.id }, retryCount: 0, retryLimit: 3 });
    const after = await withContext({ kind: "matching" }, (tx) => tx.matchingRun.findUniqueOrThrow({ where: { id: queued.id } }));
    expect(after).toMatchObject({ status: "failed", error: expect.stringMatching(/ended on/) });
    expect(await withContext({ kind: "matching" }, (tx) => tx.matchingLive.findUnique({ where: { agreementId: ended.id } }))).toBeNull();
  });

  it("publishes no dashboard: the page and the data endpoint say the agreement ended", async () => {
    const ctx = { kind: "researcher" as const, userId: admin.userId };
    const page = await vangeDashboard(ctx, { year: null, district: null }, ended.slug);
    expect(page).toEqual({
      state: "ended",
      agreement: expect.objectContaining({ name: "Finished pilot", message: expect.stringMatching(/ended on .* no longer published/) }),
    });
    const json = JSON.parse((await vangeDashboardJson(ctx, { year: null, district: null }, ended.slug)).body.toString()) as { state: string };
    expect(json.state).toBe("ended");
  });

  it("an agreement not yet started takes no upload either, saying when it starts", async () => {
    const owner = await createOrganisation();
    const early = await createOrganisation({ name: "Early Council" });
    await createAgreement({
      ownerOrgId: owner.id,
      suppliers: { "drug-alcohol": early.id },
      startDate: daysFromToday(10),
      endDate: daysFromToday(400),
    });
    const err = await ingest(early.id, "drug-alcohol", await csvText("drug-alcohol", 3)).catch((e: unknown) => e);
    expect((err as UploadRefusedError).code).toBe("not-started");
    expect((err as Error).message).toMatch(/starts on/);
  });
});

describe("accounts", () => {
  it("are created only in organisations party to an agreement that has not ended, or the platform operator", async () => {
    const stranger = await createOrganisation({ name: "Unconnected Council" });
    const err = await createAccount(admin, {
      email: `s-${Date.now()}@x.example`,
      displayName: "S",
      role: "partner_analyst",
      orgId: stranger.id,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminInputError);
    expect((err as AdminInputError).fields.orgId).toMatch(/Unconnected Council is not a party to any data-sharing agreement/);

    const lapsed = await createOrganisation({ name: "Lapsed Council" });
    await createAgreement({ ownerOrgId: lapsed.id, startDate: daysFromToday(-500), endDate: daysFromToday(-1) });
    const err2 = await createAccount(admin, {
      email: `l-${Date.now()}@x.example`,
      displayName: "L",
      role: "partner_analyst",
      orgId: lapsed.id,
    }).catch((e: unknown) => e);
    expect((err2 as AdminInputError).fields.orgId).toMatch(/has ended/);

    const ok = await createAccount(admin, { email: `p-${Date.now()}@x.example`, displayName: "P", role: "partner_analyst", orgId: police.id });
    expect(ok.userId).toBeTruthy();
    const ops = await createOrganisation({ kind: "platform_operator" });
    expect(
      (await createAccount(admin, { email: `o-${Date.now()}@x.example`, displayName: "O", role: "administrator", orgId: ops.id })).userId,
    ).toBeTruthy();
    expect(
      await withContext({ kind: "system", purpose: "test" }, (tx) => tx.user.count({ where: { orgId: { in: [stranger.id, lapsed.id] } } })),
    ).toBe(0);
  });
});

describe("outputs", () => {
  it("are read only by researchers and approvers of organisations party to the agreement", async () => {
    const owner = await createOrganisation({ kind: "county_council" });
    const university = await createOrganisation({ kind: "university" });
    const stranger = await createOrganisation({ kind: "university" });
    const a = await createAgreement({ ownerOrgId: owner.id, parties: [{ orgId: university.id, role: "research partner" }] });
    const reader = async (orgId: string, role: "researcher" | "approver") => {
      const u = await createUser(orgId, { role });
      return { userId: u.id, email: u.email, role, orgId };
    };
    expect(await outputsAccess(await reader(university.id, "researcher"), { agreementSlug: a.slug })).toEqual({ ok: true });
    expect(await outputsAccess(await reader(owner.id, "approver"), { agreementSlug: a.slug })).toEqual({ ok: true });
    const refused = await reader(stranger.id, "researcher");
    expect(await outputsAccess(refused, { agreementSlug: a.slug })).toEqual({
      ok: false,
      message: expect.stringMatching(/not a party to the data-sharing agreement/),
    });
    const denied = await withContext({ kind: "system", purpose: "test" }, (tx) =>
      tx.auditEvent.findMany({ where: { actorUserId: refused.userId, action: "dashboard.refused" } }),
    );
    expect(denied).toHaveLength(1);
  });
});
