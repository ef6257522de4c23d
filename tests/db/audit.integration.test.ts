import { afterAll, describe, expect, it } from "vitest";
import { recordAudit, recordAuditNow } from "@/lib/audit/record";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { closeDatabase } from "@/lib/db/client";
import { withContext, withContextClient } from "@/lib/db/tenant";
import { appClient, createOrganisation, ownerClient } from "../factories";

afterAll(closeDatabase);

const event = (orgId: string, action = "test.action") => ({
  action,
  outcome: "success" as const,
  actor: { label: "test", role: "partner_analyst" },
  orgId,
  details: { rows: 3 },
});

describe("audit trail", () => {
  it("appends events with dense ids chained by hash", async () => {
    const org = await createOrganisation();
    const ids = await withContextClient({ kind: "org", orgId: org.id }, async (c) => [
      await recordAudit(c, event(org.id)),
      await recordAudit(c, event(org.id)),
    ]);
    expect(ids[1]).toBe(ids[0]! + 1n);
    const rows = await withContext({ kind: "org", orgId: org.id }, (tx) =>
      tx.auditEvent.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } }),
    );
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("rolls the event back with the write it describes", async () => {
    const org = await createOrganisation();
    await expect(
      withContext({ kind: "org", orgId: org.id }, async (tx) => {
        await recordAudit(tx, event(org.id, "test.rolled_back"));
        throw new Error("the write failed");
      }),
    ).rejects.toThrow("the write failed");
    const n = await withContext({ kind: "admin", userId: "00000000-0000-0000-0000-000000000001" }, (tx) =>
      tx.auditEvent.count({ where: { action: "test.rolled_back", orgId: org.id } }),
    );
    expect(n).toBe(0);
  });

  it("keeps concurrent appends in one unbroken chain", async () => {
    const org = await createOrganisation();
    await Promise.all(Array.from({ length: 20 }, () => withContextClient({ kind: "org", orgId: org.id }, (c) => recordAudit(c, event(org.id)))));
    const verdict = await withContextClient({ kind: "admin", userId: "00000000-0000-0000-0000-000000000001" }, verifyAuditChain);
    expect(verdict.ok).toBe(true);
  });

  it("records stand-alone events, grouped under load, each on record when its promise resolves, in one chain", async () => {
    const org = await createOrganisation();
    const admin = { kind: "admin", userId: "00000000-0000-0000-0000-000000000001" } as const;
    const count = () => withContext(admin, (tx) => tx.auditEvent.count({ where: { action: "test.now", orgId: org.id } }));
    // One at a time: each is committed by the time it resolves.
    await recordAuditNow({ ...event(org.id, "test.now"), details: { n: -1, note: 'it\'s \\ "quoted"' } });
    expect(await count()).toBe(1);
    // 300 at once, far more than one statement takes while another is on its way.
    await Promise.all(Array.from({ length: 300 }, (_, n) => recordAuditNow({ ...event(org.id, "test.now"), details: { n } })));
    expect(await count()).toBe(301);
    const rows = await withContext(admin, (tx) => tx.auditEvent.findMany({ where: { action: "test.now", orgId: org.id }, orderBy: { id: "asc" } }));
    expect(rows[0]!.details).toEqual({ n: -1, note: 'it\'s \\ "quoted"' });
    // Grouped statements keep arrival order.
    expect(rows.slice(1).map((r) => (r.details as { n: number }).n)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const verdict = await withContextClient(admin, verifyAuditChain);
    expect(verdict.ok).toBe(true);
  });

  it("rejects an event that cannot be written, and carries on with the next", async () => {
    const org = await createOrganisation();
    await expect(recordAuditNow(event("not-a-uuid", "test.bad"))).rejects.toThrow(/uuid/);
    await expect(recordAuditNow(event(org.id, "test.after"))).resolves.toBeUndefined();
  });

  it("refuses UPDATE, DELETE and TRUNCATE to the application role", async () => {
    const org = await createOrganisation();
    const id = await withContextClient({ kind: "org", orgId: org.id }, (c) => recordAudit(c, event(org.id)));
    const c = await appClient();
    try {
      await c.query("BEGIN");
      await c.query("SELECT set_config('app.context', 'admin', true)");
      await expect(c.query("UPDATE audit_event SET outcome = 'failure' WHERE id = $1", [id.toString()])).rejects.toThrow(/permission denied/i);
      await c.query("ROLLBACK");
      await expect(c.query("DELETE FROM audit_event WHERE id = $1", [id.toString()])).rejects.toThrow(/permission denied/i);
      await expect(c.query("TRUNCATE audit_event")).rejects.toThrow(/permission denied/i);
      await expect(c.query("UPDATE audit_chain_head SET last_id = 0")).rejects.toThrow(/permission denied/i);
    } finally {
      await c.end();
    }
  });

  it("names the first tampered event when the owner alters a row", async () => {
    const org = await createOrganisation();
    const ids = await withContextClient({ kind: "org", orgId: org.id }, async (c) => [
      await recordAudit(c, event(org.id)),
      await recordAudit(c, event(org.id)),
      await recordAudit(c, event(org.id)),
    ]);
    const victim = ids[1]!;
    const owner = await ownerClient();
    try {
      // FORCE binds the owner too, so a rogue owner must first lift it; then the chain still tells.
      await owner.query("BEGIN");
      await owner.query("ALTER TABLE audit_event NO FORCE ROW LEVEL SECURITY");
      const changed = await owner.query("UPDATE audit_event SET outcome = 'failure' WHERE id = $1", [victim.toString()]);
      expect(changed.rowCount).toBe(1);
      const verdict = await verifyAuditChain(owner as never);
      expect(verdict).toMatchObject({ ok: false, firstBadEventId: victim, problem: "content does not match its hash" });
      await owner.query("ROLLBACK");

      await owner.query("BEGIN");
      await owner.query("ALTER TABLE audit_event NO FORCE ROW LEVEL SECURITY");
      const deleted = await owner.query("DELETE FROM audit_event WHERE id = $1", [victim.toString()]);
      expect(deleted.rowCount).toBe(1);
      const afterDelete = await verifyAuditChain(owner as never);
      expect(afterDelete).toMatchObject({ ok: false, firstBadEventId: victim, problem: "missing event" });
      await owner.query("ROLLBACK");
    } finally {
      await owner.end();
    }
  });
});
