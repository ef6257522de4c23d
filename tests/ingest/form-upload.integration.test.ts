import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { formUpload, MAX_FORM_UPLOAD_BYTES, type Uploader } from "@/lib/ingest/http-upload";
import { createSupplierOrganisation, createUser } from "../factories";
import { csvText, makeTempDataDir, rowsOfBatch } from "./helpers";

makeTempDataDir();
let uploader: Uploader;
beforeAll(async () => {
  const org = await createSupplierOrganisation();
  const user = await createUser(org.id);
  uploader = { userId: user.id, email: user.email, role: "partner_analyst", orgId: org.id };
});
afterAll(closeDatabase);

function formRequest(fields: Record<string, string>, file?: { name: string; body: Buffer }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (file) form.set("file", new File([new Uint8Array(file.body)], file.name, { type: "text/csv" }));
  return new Request("http://portal.test/api/uploads/form", { method: "POST", body: form });
}

/** What POST /api/uploads/form hands the domain. */
const handleFormUpload = (req: Request, user: Uploader) =>
  formUpload(user, { contentLength: req.headers.get("content-length"), readForm: () => req.formData() });

describe("the upload form without JavaScript", () => {
  it("loads a file posted as multipart and returns the batch to show", async () => {
    const out = await handleFormUpload(
      formRequest({ dataset: "drug-alcohol" }, { name: "da.csv", body: await csvText("drug-alcohol", 12) }),
      uploader,
    );
    expect("batchId" in out).toBe(true);
    if ("batchId" in out) expect(await rowsOfBatch(uploader.orgId, "ds_drug_alcohol", out.batchId)).toBe(12);
  });

  it("explains a missing file, a missing dataset and a file over the form's limit", async () => {
    expect(await handleFormUpload(formRequest({ dataset: "drug-alcohol" }), uploader)).toEqual({ error: expect.stringMatching(/Choose a CSV file/) });
    expect(await handleFormUpload(formRequest({}, { name: "x.csv", body: Buffer.from("a\n1\n") }), uploader)).toEqual({
      error: expect.stringMatching(/Choose which dataset/),
    });
    const big = new Request("http://portal.test/api/uploads/form", {
      method: "POST",
      body: "x",
      headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(MAX_FORM_UPLOAD_BYTES * 2) },
    });
    expect(await handleFormUpload(big, uploader)).toEqual({ error: expect.stringMatching(/up to 50 MB/) });
  });
});
