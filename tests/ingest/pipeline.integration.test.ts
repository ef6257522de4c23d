import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { onBatchChanged, type BatchChanged } from "@/lib/ingest/events";
import { originalFilePath } from "@/lib/ingest/paths";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";
import { createSupplierOrganisation } from "../factories";
import { csvText, filesUnder, ingest, rowsOfBatch, makeTempDataDir } from "./helpers";

const dataDir = makeTempDataDir();
afterAll(closeDatabase);

async function batchStatus(orgId: string, id: string) {
  return withContextClient({ kind: "org", orgId }, async (c) => (await c.query(`SELECT * FROM upload_batch WHERE id = $1`, [id])).rows[0]);
}

describe("the ingest pipeline", () => {
  it("loads a valid file as one batch, keeps the exact bytes and their SHA-256, and tells listeners", async () => {
    const org = await createSupplierOrganisation();
    const body = await csvText("housing-benefits", 500, { lineEnding: "\r\n", bom: true });
    const heard: BatchChanged[] = [];
    const off = onBatchChanged((e) => void heard.push(e));
    const result = await ingest(org.id, "housing-benefits", body);
    off();
    expect(result.status).toBe("loaded");
    expect(result.rowsLoaded).toBe(500);
    expect(result.size).toBe(body.length);
    const { createHash } = await import("node:crypto");
    expect(result.sha256).toBe(createHash("sha256").update(body).digest("hex"));
    expect(fs.readFileSync(originalFilePath(org.id, result.batchId)).equals(body)).toBe(true);
    expect(await rowsOfBatch(org.id, "ds_housing_benefits", result.batchId)).toBe(500);
    const b = await batchStatus(org.id, result.batchId);
    expect(b).toMatchObject({ status: "loaded", rows_loaded: 500, file_sha256: result.sha256 });
    expect(heard).toEqual([{ batchId: result.batchId, orgId: org.id, datasetId: "housing-benefits", kind: "loaded" }]);
    expect(filesUnder(dataDir).filter((f) => f.includes(".partial"))).toEqual([]);
  });

  it("supersedes the previous batch of the same dataset and keeps only the newest live", async () => {
    const org = await createSupplierOrganisation();
    const first = await ingest(org.id, "youth-offending", await csvText("youth-offending", 20));
    const second = await ingest(org.id, "youth-offending", await csvText("youth-offending", 30));
    expect((await batchStatus(org.id, first.batchId)).status).toBe("superseded");
    expect((await batchStatus(org.id, first.batchId)).superseded_by_id).toBe(second.batchId);
    const live = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) => (await c.query(`SELECT batch_id, count(*)::int AS n FROM ds_youth_offending_live GROUP BY batch_id`)).rows,
    );
    expect(live).toEqual([{ batch_id: second.batchId, n: 30 }]);
  });

  it("keeps one live batch per period for datasets sent every six months", async () => {
    const org = await createSupplierOrganisation();
    const h1 = await ingest(org.id, "troubled-families", await csvText("troubled-families", 10, { period: "2016-H1" }), { period: "2016-H1" });
    const h2 = await ingest(org.id, "troubled-families", await csvText("troubled-families", 12, { period: "2016-H2" }), { period: "2016-H2" });
    expect([h1.status, h2.status]).toEqual(["loaded", "loaded"]);
    expect((await batchStatus(org.id, h1.batchId)).status).toBe("loaded");
  });

  it("withdraws a batch: its rows leave the live views, the change is audited and announced", async () => {
    const org = await createSupplierOrganisation();
    const loaded = await ingest(org.id, "drug-alcohol", await csvText("drug-alcohol", 15));
    const heard: BatchChanged[] = [];
    const off = onBatchChanged((e) => void heard.push(e));
    const res = await withdrawBatch({ orgId: org.id, batchId: loaded.batchId, actor: { label: "test" } });
    off();
    expect(res).toEqual({ ok: true, datasetId: "drug-alcohol" });
    expect(heard.map((e) => e.kind)).toEqual(["withdrawn"]);
    const live = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM ds_drug_alcohol_live`)).rows[0].n,
    );
    expect(live).toBe(0);
    const audit = await withContextClient({ kind: "org", orgId: org.id }, async (c) =>
      (await c.query(`SELECT action FROM audit_event WHERE target_id = $1 ORDER BY id`, [loaded.batchId])).rows.map((r) => r.action),
    );
    expect(audit).toEqual(["ingest.batch_received", "ingest.batch_loaded", "ingest.batch_withdrawn"]);
    const other = await createSupplierOrganisation();
    expect(await withdrawBatch({ orgId: other.id, batchId: loaded.batchId, actor: { label: "test" } })).toEqual({ ok: false, reason: "not-found" });
  });

  it("never shows one organisation's rows to another, to researchers or to administrators", async () => {
    const a = await createSupplierOrganisation();
    const b = await createSupplierOrganisation();
    const loaded = await ingest(a.id, "social-care", await csvText("social-care", 8));
    expect(await rowsOfBatch(b.id, "ds_social_care", loaded.batchId)).toBe(0);
    for (const ctx of [
      { kind: "researcher", userId: crypto.randomUUID() },
      { kind: "admin", userId: crypto.randomUUID() },
    ] as const) {
      const n = await withContextClient(
        ctx,
        async (c) => (await c.query(`SELECT count(*)::int AS n FROM ds_social_care WHERE batch_id = $1`, [loaded.batchId])).rows[0].n,
      );
      expect(n).toBe(0);
    }
    const matching = await withContextClient(
      { kind: "matching" },
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM ds_social_care_live WHERE batch_id = $1`, [loaded.batchId])).rows[0].n,
    );
    expect(matching).toBe(8);
  });

  it("refuses dataset rows whose batch does not exist, belongs to another organisation or is no longer loading", async () => {
    const a = await createSupplierOrganisation();
    const b = await createSupplierOrganisation();
    const theirs = await ingest(b.id, "youth-offending", await csvText("youth-offending", 1));
    const ours = await ingest(a.id, "youth-offending", await csvText("youth-offending", 1));
    expect(ours.status).toBe("loaded");
    const key = "a".repeat(64);
    for (const batchId of [crypto.randomUUID(), theirs.batchId, ours.batchId]) {
      await expect(
        withContextClient({ kind: "org", orgId: a.id }, (c) =>
          c.query(`INSERT INTO ds_youth_offending (batch_id, org_id, line_no, address_key, yos_known) VALUES ($1, $2, 2, $3, true)`, [
            batchId,
            a.id,
            key,
          ]),
        ),
      ).rejects.toThrow(/row-level security policy/);
    }
  });

  it("loads a file larger than one load round completely, every line once", async () => {
    const org = await createSupplierOrganisation();
    const result = await ingest(org.id, "youth-offending", await csvText("youth-offending", 230_000));
    expect(result).toMatchObject({ status: "loaded", rowsLoaded: 230_000 });
    const lines = await withContextClient(
      { kind: "org", orgId: org.id },
      async (c) =>
        (
          await c.query(
            `SELECT count(*)::int AS n, count(DISTINCT line_no)::int AS d, min(line_no) AS lo, max(line_no) AS hi FROM ds_youth_offending WHERE batch_id = $1`,
            [result.batchId],
          )
        ).rows[0],
    );
    expect(lines).toEqual({ n: 230_000, d: 230_000, lo: 2, hi: 230_001 });
  });
});
