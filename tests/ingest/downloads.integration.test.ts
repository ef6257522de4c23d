import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { serveBatchFile } from "@/lib/ingest/batch-files";
import { createSupplierOrganisation } from "../factories";
import { csvText, ingest, makeTempDataDir } from "./helpers";

makeTempDataDir();
afterAll(closeDatabase);

const userOf = (orgId: string) => ({ userId: crypto.randomUUID(), email: "analyst@test.example", role: "partner_analyst", orgId });

describe("the right to audit: downloading what was transferred", () => {
  it("gives the owning organisation its exact bytes, audited, and nobody else anything", async () => {
    const owner = await createSupplierOrganisation();
    const other = await createSupplierOrganisation();
    const body = await csvText("police-crime", 25, { lineEnding: "\r\n", bom: true });
    const loaded = await ingest(owner.id, "police-crime", body);

    const res = await serveBatchFile(userOf(owner.id), loaded.batchId, "original");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-sha256")).toBe(loaded.sha256);
    expect(res.headers.get("content-disposition")).toContain("police-crime.csv");
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    const audit = await withContextClient({ kind: "org", orgId: owner.id }, async (c) =>
      (await c.query(`SELECT action FROM audit_event WHERE target_id = $1 AND action = 'ingest.original_downloaded'`, [loaded.batchId])).rowCount,
    );
    expect(audit).toBe(1);

    expect((await serveBatchFile(userOf(other.id), loaded.batchId, "original")).status).toBe(404);
    expect((await serveBatchFile(userOf(other.id), loaded.batchId, "errors")).status).toBe(404);
    expect((await serveBatchFile(userOf(owner.id), "../../etc/passwd", "original")).status).toBe(404);
    expect((await serveBatchFile(userOf(owner.id), loaded.batchId, "errors")).status).toBe(410);
  });

  it("keeps no original of a refused file but serves its error report", async () => {
    const org = await createSupplierOrganisation();
    const refused = await ingest(org.id, "youth-offending", (await csvText("youth-offending", 3)).toString().replace(/,[YN],/, ",perhaps,"));
    expect(refused.status).toBe("refused");
    expect((await serveBatchFile(userOf(org.id), refused.batchId, "original")).status).toBe(410);
    const report = await serveBatchFile(userOf(org.id), refused.batchId, "errors");
    expect(report.status).toBe(200);
    expect(await report.text()).toContain("perhaps");
  });
});
