import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { AppError } from "@/lib/errors";
import { formUpload, startUpload, type UploadEvent, type Uploader } from "@/lib/ingest/http-upload";
import { getBatch } from "@/lib/ingest/queries";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";
import { createBatch, createSupplierOrganisation, createUser } from "../factories";
import { ingest, makeTempDataDir } from "./helpers";

makeTempDataDir();
let uploader: Uploader;
let orgId: string;

beforeAll(async () => {
  const org = await createSupplierOrganisation();
  const user = await createUser(org.id);
  orgId = org.id;
  uploader = { userId: user.id, email: user.email, role: "partner_analyst", orgId: org.id };
});
afterAll(closeDatabase);

const INTERNAL_CODES = /full-date|personal-name|key-not-pseudonymised|nhs-number|street-address|phone-number|\bemail\b/;

/** A children's social care file whose birth_month holds full dates on lines 3 and 5. */
function socialCareWithDates(): string {
  const header = headerLine("social-care");
  const cols = header.split(",");
  const birth = cols.indexOf("birth_month");
  expect(birth).toBeGreaterThanOrEqual(0);
  const lines = [header];
  for (let i = 0; i < 5; i++) {
    const cells = sampleRowCells("social-care", i);
    if (i === 1 || i === 3) cells[birth] = `1${i}/03/2011`;
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

describe("an identifier incident, as the analyst reads it", () => {
  it("says in plain words which column and which lines looked like identifiers, never the values or internal codes", async () => {
    const r = await ingest(orgId, "social-care", socialCareWithDates(), { actor: { userId: uploader.userId, label: uploader.email } });
    expect(r.status).toBe("incident");
    expect(r.message).toMatch(/Column birth_month looked like full dates \(day, month and year\), such as dates of birth, on lines 3 and 5\./);
    expect(r.message).toMatch(/What to do:/);
    expect(r.message).not.toMatch(INTERNAL_CODES);
    expect(r.message).not.toContain("/03/2011");
    expect(r.summary.incident?.columns).toEqual([{ column: "birth_month", rules: ["full-date"], cells: 2, lines: [3, 5] }]);
  });

  it("gives the result page a complete report (the page crashed reading fileErrors of an incident)", async () => {
    const r = await ingest(orgId, "social-care", socialCareWithDates());
    const b = await getBatch({ kind: "org", orgId }, r.batchId);
    expect(b?.status).toBe("incident");
    expect(b?.report?.summary.fileErrors).toEqual([]);
    expect(b?.report?.summary.groups).toEqual([]);
    expect(b?.report?.summary.incident?.columns?.[0]?.lines).toEqual([3, 5]);
    expect(b?.report?.message).not.toMatch(INTERNAL_CODES);
  });

  it("completes a report stored in the old incident-only shape", async () => {
    const batch = await createBatch(orgId, { datasetId: "social-care" });
    await withContextClient({ kind: "org", orgId }, async (c) => {
      await c.query(`UPDATE upload_batch SET status = 'incident' WHERE id = $1`, [batch.id]);
      await c.query(`INSERT INTO ingest_batch_report (batch_id, org_id, outcome, message, summary) VALUES ($1, $2, 'incident', 'old', $3)`, [
        batch.id,
        orgId,
        JSON.stringify({ incident: { incidentId: batch.id, rules: { "full-date": 1 }, cellCount: 1 } }),
      ]);
    });
    const b = await getBatch({ kind: "org", orgId }, batch.id);
    expect(b?.report?.summary).toMatchObject({ fileErrors: [], groups: [], incident: { cellCount: 1 } });
  });
});

describe("bad identifiers and names get a plain answer, not a crash", () => {
  it("withdrawing a batch id that is not a UUID is 'not found'", async () => {
    for (const id of ["not-a-uuid", "------------------------------------", "'; DROP TABLE upload_batch; --", ""]) {
      expect(await withdrawBatch({ orgId, batchId: id, actor: { label: "test" } })).toEqual({ ok: false, reason: "not-found" });
      expect(await getBatch({ kind: "org", orgId }, id)).toBeNull();
    }
  });

  it("a file name with NUL or another control character is refused with 400 and a plain message", async () => {
    const body = [headerLine("housing-benefits"), sampleRowCells("housing-benefits", 0).join(",")].join("\n") + "\n";
    for (const filename of ["evil\u0000.csv", "two\nlines.csv", "tab\t.csv"]) {
      const refused = await startUpload(uploader, {
        query: new URLSearchParams({ dataset: "housing-benefits", filename }),
        contentType: "text/csv",
        contentLength: null,
        body: new Blob([body]).stream(),
      }).then(
        () => null,
        (e: unknown) => e,
      );
      // The adapter answers an AppError of kind "invalid" with 400 and { error: code, message }.
      expect(refused).toBeInstanceOf(AppError);
      const answer = refused as AppError;
      expect(answer.kind).toBe("invalid");
      expect(answer.code).toBe("bad-filename");
      expect(answer.message).toMatch(/Rename the file/);
    }
  });

  it("the no-JavaScript form refuses a NUL file name with the same message, and the command line is refused too", async () => {
    const form = new FormData();
    form.set("dataset", "housing-benefits");
    form.set(
      "file",
      new File([[headerLine("housing-benefits"), sampleRowCells("housing-benefits", 0).join(",")].join("\n")], "a\u0000b.csv", { type: "text/csv" }),
    );
    const out = await formUpload(uploader, { contentLength: null, readForm: async () => form });
    expect(out).toEqual({ error: expect.stringMatching(/control character.*Rename the file/s) });
    await expect(ingest(orgId, "housing-benefits", "x\n", { originalFilename: "n\u0000.csv" })).rejects.toThrow(/Rename the file/);
  });
});

export type { UploadEvent };
