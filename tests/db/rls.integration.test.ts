import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { readInContext, withContext, withContextClient } from "@/lib/db/tenant";
import { appClient, createBatch, createOrganisation } from "../factories";

afterAll(closeDatabase);

describe("row-level security between organisations", () => {
  it("hides organisation B's batches in organisation A's context", async () => {
    const a = await createOrganisation();
    const b = await createOrganisation();
    const batchA = await createBatch(a.id);
    const batchB = await createBatch(b.id);

    const seenByA = await withContext({ kind: "org", orgId: a.id }, (tx) => tx.uploadBatch.findMany());
    expect(seenByA.map((r) => r.id)).toContain(batchA.id);
    expect(seenByA.map((r) => r.id)).not.toContain(batchB.id);
    expect(seenByA.every((r) => r.orgId === a.id)).toBe(true);
  });

  it("refuses to insert a row for B while acting as A", async () => {
    const a = await createOrganisation();
    const b = await createOrganisation();
    await expect(
      withContext({ kind: "org", orgId: a.id }, (tx) =>
        tx.uploadBatch.create({ data: { orgId: b.id, datasetId: "housing-benefits", source: "cli", originalFilename: "x.csv" } }),
      ),
    ).rejects.toThrow(/row-level security/i);
  });

  it("cannot move A's row to B, nor update B's rows", async () => {
    const a = await createOrganisation();
    const b = await createOrganisation();
    const batchA = await createBatch(a.id);
    const batchB = await createBatch(b.id);
    await expect(
      withContextClient({ kind: "org", orgId: a.id }, (c) => c.query("UPDATE upload_batch SET org_id = $1 WHERE id = $2", [b.id, batchA.id])),
    ).rejects.toThrow(/row-level security/i);
    const touched = await withContextClient({ kind: "org", orgId: a.id }, (c) =>
      c.query("UPDATE upload_batch SET original_filename = 'stolen.csv' WHERE id = $1", [batchB.id]),
    );
    expect(touched.rowCount).toBe(0);
  });

  it("shows nothing at all without a context, even to hand-written SQL", async () => {
    const a = await createOrganisation();
    await createBatch(a.id);
    const c = await appClient();
    try {
      const rows = await c.query("SELECT count(*)::int AS n FROM upload_batch");
      expect(rows.rows[0].n).toBe(0);
      // Setting another organisation's id by hand inside a raw query still only yields that one.
      await c.query("BEGIN");
      await c.query("SELECT set_config('app.context', 'org', true), set_config('app.org_id', $1, true)", [a.id]);
      const own = await c.query("SELECT DISTINCT org_id FROM upload_batch");
      expect(own.rows.map((r) => r.org_id)).toEqual([a.id]);
      await c.query("ROLLBACK");
    } finally {
      await c.end();
    }
  });

  it("denies the application role any way around the policies", async () => {
    const c = await appClient();
    try {
      const me = await c.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user");
      expect(me.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const owned = await c.query("SELECT count(*)::int AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)");
      expect(owned.rows[0].n).toBe(0);
      await expect(c.query("ALTER TABLE upload_batch DISABLE ROW LEVEL SECURITY")).rejects.toThrow(/must be owner/i);
      await expect(c.query("ALTER TABLE upload_batch NO FORCE ROW LEVEL SECURITY")).rejects.toThrow(/must be owner/i);
      await expect(c.query("DROP POLICY upload_batch_own ON upload_batch")).rejects.toThrow(/must be owner/i);
      await expect(c.query("SET ROLE portal_owner")).rejects.toThrow(/permission denied/i);
      await expect(c.query("SET SESSION AUTHORIZATION portal_owner")).rejects.toThrow(/permission denied/i);
      await expect(c.query("CREATE TABLE sneaky (id int)")).rejects.toThrow(/permission denied/i);
    } finally {
      await c.end();
    }
  });

  it("enables and forces row-level security on every table that holds partner data or metadata", async () => {
    const c = await appClient();
    try {
      const res = await c.query(
        `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
         WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')
           AND relname NOT IN ('_prisma_migrations', 'dataset', 'audit_chain_head')`,
      );
      expect(res.rows.length).toBeGreaterThan(5);
      for (const r of res.rows)
        expect({ table: r.relname, rls: r.relrowsecurity, force: r.relforcerowsecurity }).toEqual({ table: r.relname, rls: true, force: true });
    } finally {
      await c.end();
    }
  });
});

describe("readInContext (one statement, one round trip)", () => {
  it("reads as the context, and the context ends with the statement", async () => {
    const a = await createOrganisation();
    const b = await createOrganisation();
    const batchA = await createBatch(a.id);
    await createBatch(b.id);
    const rows = await readInContext<{ org_id: string; ctx: string }>(
      { kind: "org", orgId: a.id },
      "SELECT DISTINCT org_id, current_setting('app.context') AS ctx FROM upload_batch WHERE id = $1 OR org_id = $2",
      [batchA.id, b.id],
    );
    expect(rows).toEqual([{ org_id: a.id, ctx: "org" }]);
    // The pool hands the same connections out again: none may still carry the context.
    const after = await Promise.all(
      Array.from({ length: 25 }, () =>
        readInContext<{ ctx: string | null }>({ kind: "system", purpose: "test" }, "SELECT nullif(current_setting('app.org_id', true), '') AS ctx"),
      ),
    );
    expect(after.flat().every((r) => r.ctx === null)).toBe(true);
  });

  it("passes values as literals, never as SQL", async () => {
    const hostile = `x'); DROP TABLE upload_batch; --\\'`;
    const [row] = await readInContext<{ v: string }>({ kind: "system", purpose: "test" }, "SELECT $1::text AS v", [hostile]);
    expect(row!.v).toBe(hostile);
    await expect(readInContext({ kind: "system", purpose: "test" }, "SELECT $2::text AS v", ["only one"])).rejects.toThrow(/no value for \$2/);
  });

  it("surfaces a failing statement and leaves the pool usable", async () => {
    await expect(readInContext({ kind: "system", purpose: "test" }, "SELECT 1 / 0")).rejects.toThrow(/division by zero/);
    const [row] = await readInContext<{ ok: number }>({ kind: "system", purpose: "test" }, "SELECT 1 AS ok");
    expect(row).toEqual({ ok: 1 });
  });
});
