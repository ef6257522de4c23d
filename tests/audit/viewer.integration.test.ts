import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readChainStatus, requestChainCheck, runChainCheck, verifyAndRecord } from "@/lib/audit/chain-check";
import { recordAudit } from "@/lib/audit/record";
import { AuditAccessError, AuditFilterError, exportAuditEvents, listAuditEvents, parseAuditFilters, type AuditReader } from "@/lib/audit/viewer";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { installJobQueue } from "@/lib/jobs/install";
import { appClient, createBatch, createOrganisation, createUser } from "../factories";

let orgA: { id: string; name: string };
let orgB: { id: string; name: string };
let dpoA: AuditReader;
let platformDpo: AuditReader;
let admin: AuditReader;
let analystA: AuditReader;

async function reader(orgId: string, role: AuditReader["role"]): Promise<AuditReader> {
  const u = await createUser(orgId, { role });
  return { userId: u.id, email: u.email, role, orgId };
}

beforeAll(async () => {
  await installJobQueue({ adminUrl: process.env.TEST_ADMIN_URL! });
  orgA = await createOrganisation({ name: "Audit Council A" });
  orgB = await createOrganisation({ name: "Audit Council B" });
  const ops = await createOrganisation({ kind: "platform_operator" });
  dpoA = await reader(orgA.id, "dpo");
  platformDpo = await reader(ops.id, "dpo");
  admin = await reader(ops.id, "administrator");
  analystA = await reader(orgA.id, "partner_analyst");
});
afterAll(async () => {
  await stopJobQueue();
  await closeDatabase();
});

const system = { kind: "system", purpose: "test" } as const;
const ev = (action: string, over: Partial<Parameters<typeof recordAudit>[1]> = {}) => ({
  action,
  outcome: "success" as const,
  actor: { label: "test" },
  ...over,
});

describe("who reads which audit events", () => {
  it("a DPO reads their organisation's events and those about its data, not another's; the platform's DPO and admins read all", async () => {
    const action = `test.rls.${randomUUID().slice(0, 8)}`;
    const batchA = await createBatch(orgA.id);
    const batchB = await createBatch(orgB.id);
    await withContextClient(system, async (c) => {
      await recordAudit(c, ev(action, { orgId: orgA.id, details: { n: "own-a" } }));
      await recordAudit(c, ev(action, { orgId: orgB.id, details: { n: "own-b" } }));
      // By an administrator (no organisation of A's) about A's batch and about A itself.
      await recordAudit(c, ev(action, { orgId: null, target: { type: "upload_batch", id: batchA.id }, details: { n: "about-a-batch" } }));
      await recordAudit(c, ev(action, { orgId: null, target: { type: "organisation", id: orgA.id }, details: { n: "about-a" } }));
      await recordAudit(c, ev(action, { orgId: null, target: { type: "upload_batch", id: batchB.id }, details: { n: "about-b-batch" } }));
    });
    const seen = async (r: AuditReader) =>
      (await listAuditEvents(r, { filters: { action } })).events.map((e) => (JSON.parse(e.details!) as { n: string }).n).sort();
    expect(await seen(dpoA)).toEqual(["about-a", "about-a-batch", "own-a"]);
    const all = ["about-a", "about-a-batch", "about-b-batch", "own-a", "own-b"];
    expect(await seen(platformDpo)).toEqual(all);
    expect(await seen(admin)).toEqual(all);
    await expect(listAuditEvents(analystA, { filters: { action } })).rejects.toBeInstanceOf(AuditAccessError);
  });

  it("the DPO context reads no partner rows or other tables: only its own organisation's batch metadata", async () => {
    await createBatch(orgB.id);
    const ownBatch = await createBatch(orgA.id);
    const ctx = { kind: "dpo", orgId: orgA.id, userId: dpoA.userId } as const;
    await withContextClient(ctx, async (c) => {
      const batches = (await c.query<{ id: string; org_id: string }>(`SELECT id, org_id FROM upload_batch`)).rows;
      expect(batches.map((b) => b.org_id).every((o) => o === orgA.id)).toBe(true);
      expect(batches.map((b) => b.id)).toContain(ownBatch.id);
      expect((await c.query(`SELECT 1 FROM ds_housing_benefits LIMIT 1`)).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM notification_outbox LIMIT 1`)).rowCount).toBe(0);
      expect((await c.query(`SELECT 1 FROM app_user WHERE org_id <> $1 LIMIT 1`, [orgA.id])).rowCount).toBe(0);
    });
    // And it cannot write to the trail's checks or batches.
    await expect(withContextClient(ctx, (c) => c.query(`INSERT INTO audit_chain_check (trigger) VALUES ('on-demand')`))).rejects.toThrow(
      /row-level security/,
    );
  });
});

describe("paging through the trail", () => {
  it("keyset pages are complete, ordered and stable while events are appended; the export has the same events", async () => {
    const action = `test.page.${randomUUID().slice(0, 8)}`;
    const c = await appClient();
    try {
      // Through the chain trigger, like every event (the append policy admits any context).
      await c.query(
        `INSERT INTO audit_event (id, actor_label, org_id, action, outcome, prev_hash, hash) SELECT 0, 'bulk', $2, $1, 'success', '', '' FROM generate_series(1, 2345)`,
        [action, orgA.id],
      );
    } finally {
      await c.end();
    }
    const ids: bigint[] = [];
    let cursor: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await listAuditEvents(dpoA, { filters: { action }, cursor, limit: 100 });
      ids.push(...page.events.map((e) => BigInt(e.id)));
      pages++;
      if (pages === 3) {
        // New events arrive while someone is paging: they are newer than the first page, so they
        // neither appear on later pages nor push an event onto two pages.
        await withContextClient(system, (cl) => recordAudit(cl, ev(action, { orgId: orgA.id })));
      }
      if (!page.next) break;
      cursor = page.next;
    }
    expect(pages).toBe(24);
    expect(ids.length).toBe(2345);
    expect(new Set(ids).size).toBe(2345);
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! > ids[i]!).toBe(true);

    const rows: (string | null)[][] = [];
    for await (const r of await exportAuditEvents(dpoA, { action })) rows.push(r);
    expect(rows.length).toBe(2346);
    expect(rows[0]![6]).toBe(action);
    const exported = await withContext(system, (tx) =>
      tx.auditEvent.findFirst({ where: { action: "audit.exported", actorUserId: dpoA.userId }, orderBy: { id: "desc" } }),
    );
    expect(exported?.details).toMatchObject({ event: action });
  });

  it("has a query shape the (at, id) index serves: a deep page is an index range scan, never a sort", async () => {
    const plan = await withContextClient({ kind: "admin", userId: admin.userId }, async (c) => {
      // The test database is small, where a sequential scan is cheaper; on millions of events the
      // planner makes this choice itself. What is checked is that the index can answer the page
      // (order and cursor condition both in the index) without sorting.
      await c.query("SET LOCAL enable_seqscan = off");
      await c.query("SET LOCAL enable_bitmapscan = off");
      const r = await c.query<{ "QUERY PLAN": unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT e.id FROM audit_event e WHERE (e.at, e.id) < (now() - interval '1 second', 9223372036854775807) ORDER BY e.at DESC, e.id DESC LIMIT 51`,
      );
      return JSON.stringify(r.rows[0]!["QUERY PLAN"]);
    });
    expect(plan).toMatch(/"Scan Direction":"Backward","Index Name":"audit_event_at_id_idx"/);
    expect(plan).toMatch(/"Index Cond":"\(ROW\(at, id\) < ROW/);
    expect(plan).not.toMatch(/"Node Type":"Sort"/);
  });

  it("refuses bad filters field by field, in words", () => {
    const err = (() => {
      try {
        parseAuditFilters({ from: "yesterday", org: "x", batch: "123", to: "2026-01-01" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(AuditFilterError);
    expect((err as AuditFilterError).fields).toEqual({
      from: expect.stringMatching(/Enter the first day as a date/),
      org: "Choose an organisation from the list",
      batch: expect.stringMatching(/batch's identifier/),
    });
    expect(() => parseAuditFilters({ from: "2026-03-02", to: "2026-03-01" })).toThrow(/same as or after/);
    expect(() => parseAuditFilters({ to: "2026-02-30" })).toThrow(/not a real date/);
  });
});

describe("verifying the hash chain", () => {
  it("records an intact chain from a requested check; partners cannot request one", async () => {
    const { checkId } = await requestChainCheck(dpoA);
    const done = await runChainCheck(checkId);
    expect(done).toMatchObject({ status: "ok", firstBadEventId: null });
    expect(done!.checked).toBeGreaterThan(0);
    const status = await withContextClient({ kind: "dpo", orgId: orgA.id, userId: dpoA.userId }, readChainStatus);
    expect(status.latest?.status).toBe("ok");
    await expect(requestChainCheck(analystA)).rejects.toBeInstanceOf(AuditAccessError);
  });

  it("names the first altered event (inside a transaction rolled back, so the shared trail stays intact)", async () => {
    const victim = await withContextClient(system, (c) => recordAudit(c, ev("test.victim", { orgId: orgA.id, details: { rows: 3 } })));
    // The superuser (not the application) can alter an event: the attack the chain detects.
    const su = new (await import("pg")).default.Client({ connectionString: process.env.TEST_ADMIN_URL });
    await su.connect();
    try {
      await su.query("BEGIN");
      await su.query(`UPDATE audit_event SET details = '{"rows": 4}' WHERE id = $1`, [victim.toString()]);
      const check = (await su.query<{ id: string }>(`INSERT INTO audit_chain_check (trigger) VALUES ('on-demand') RETURNING id`)).rows[0]!.id;
      const verdict = await verifyAndRecord(su as unknown as pg.ClientBase, check);
      expect(verdict).toMatchObject({ status: "broken", firstBadEventId: victim.toString(), problem: "content does not match its hash" });
      const status = await readChainStatus(su as unknown as pg.ClientBase);
      expect(status.latest).toMatchObject({ id: check, status: "broken", firstBadEventId: victim.toString() });
    } finally {
      await su.query("ROLLBACK").catch(() => {});
      await su.end();
    }
  });
});
