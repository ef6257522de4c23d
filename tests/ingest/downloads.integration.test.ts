import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { openBatchFile } from "@/lib/ingest/batch-files";
import { createSupplierOrganisation } from "../factories";
import { csvText, ingest, makeTempDataDir } from "./helpers";

makeTempDataDir();
afterAll(closeDatabase);

const userOf = (orgId: string) => ({ userId: crypto.randomUUID(), email: "analyst@test.example", role: "partner_analyst" as const, orgId });
const bytes = async (s: ReadableStream<Uint8Array>) => Buffer.from(await new Response(s).arrayBuffer());
/** The kind of AppError a download is refused with (the adapter answers not_found 404, gone 410). */
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => "served",
    (e: unknown) => (e instanceof AppError ? e.kind : e),
  );

describe("the right to audit: downloading what was transferred", () => {
  it("gives the owning organisation its exact bytes, audited, and nobody else anything", async () => {
    const owner = await createSupplierOrganisation();
    const other = await createSupplierOrganisation();
    const body = await csvText("police-crime", 25, { lineEnding: "\r\n", bom: true });
    const loaded = await ingest(owner.id, "police-crime", body);

    const file = await openBatchFile(userOf(owner.id), loaded.batchId, "original");
    expect(file.sha256).toBe(loaded.sha256);
    expect(file.filename).toContain("police-crime.csv");
    expect(file.size).toBe(body.length);
    expect((await bytes(file.stream)).equals(body)).toBe(true);
    const audit = await withContextClient(
      { kind: "org", orgId: owner.id },
      async (c) =>
        (await c.query(`SELECT action FROM audit_event WHERE target_id = $1 AND action = 'ingest.original_downloaded'`, [loaded.batchId])).rowCount,
    );
    expect(audit).toBe(1);

    expect(await refusal(openBatchFile(userOf(other.id), loaded.batchId, "original"))).toBe("not_found");
    expect(await refusal(openBatchFile(userOf(other.id), loaded.batchId, "errors"))).toBe("not_found");
    expect(await refusal(openBatchFile(userOf(owner.id), "../../etc/passwd", "original"))).toBe("not_found");
    expect(await refusal(openBatchFile(userOf(owner.id), loaded.batchId, "errors"))).toBe("gone");
  });

  it("keeps no original of a refused file but serves its error report", async () => {
    const org = await createSupplierOrganisation();
    const refused = await ingest(org.id, "youth-offending", (await csvText("youth-offending", 3)).toString().replace(/,[YN],/, ",perhaps,"));
    expect(refused.status).toBe("refused");
    expect(await refusal(openBatchFile(userOf(org.id), refused.batchId, "original"))).toBe("gone");
    const report = await openBatchFile(userOf(org.id), refused.batchId, "errors");
    expect(report.filename).toMatch(/-errors\.csv$/);
    expect((await bytes(report.stream)).toString("utf8")).toContain("perhaps");
  });
});
