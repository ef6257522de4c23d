import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import type { DatasetId } from "@/lib/datasets";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { AppError, STATUS_OF } from "@/lib/errors";
import { startUpload, type UploadEvent, type Uploader } from "@/lib/ingest/http-upload";
import { errorReportPath } from "@/lib/ingest/paths";
import { createSupplierOrganisation, createUser } from "../factories";
import { filesUnder, makeTempDataDir } from "./helpers";

const dataDir = makeTempDataDir();
let uploader: Uploader;
let orgId: string;

beforeAll(async () => {
  const org = await createSupplierOrganisation();
  const user = await createUser(org.id);
  orgId = org.id;
  uploader = { userId: user.id, email: user.email, role: "partner_analyst", orgId: org.id };
});
afterAll(closeDatabase);

const rows = (id: DatasetId, n: number, from = 0) => Array.from({ length: n }, (_, i) => sampleRowCells(id, from + i).join(","));
const hb = (n: number) => [headerLine("housing-benefits"), ...rows("housing-benefits", n)].join("\n") + "\n";

function request(body: Buffer | string, query: Record<string, string> = { dataset: "housing-benefits" }, headers: Record<string, string> = {}) {
  const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return new Request(`http://portal.test/api/uploads?${new URLSearchParams(query)}`, {
    method: "POST",
    body: buf,
    headers: { "content-type": "text/csv", "content-length": String(buf.length), ...headers },
    duplex: "half",
  } as RequestInit);
}

/** What POST /api/uploads answers: the domain's stream, or the status the adapter gives its AppError. */
async function send(req: Request): Promise<Response> {
  try {
    const input = {
      query: new URL(req.url).searchParams,
      contentType: req.headers.get("content-type"),
      contentLength: req.headers.get("content-length"),
      body: req.body,
    };
    return new Response(await startUpload(uploader, input), { headers: { "content-type": "application/x-ndjson" } });
  } catch (e) {
    if (e instanceof AppError) return Response.json({ error: e.code, message: e.message }, { status: STATUS_OF[e.kind] });
    throw e;
  }
}

async function upload(body: Buffer | string, query?: Record<string, string>, headers?: Record<string, string>) {
  const res = await send(request(body, query, headers));
  const text = await res.text();
  const events = res.headers.get("content-type")?.startsWith("application/x-ndjson")
    ? text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as UploadEvent)
    : [];
  const result = events.find((e) => e.type === "result");
  return { status: res.status, text, events, result: result?.type === "result" ? result.result : undefined };
}

async function loadedRows(batchId: string): Promise<number> {
  return withContextClient(
    { kind: "org", orgId },
    async (c) => (await c.query(`SELECT count(*)::int AS n FROM ds_housing_benefits WHERE batch_id = $1`, [batchId])).rows[0].n,
  );
}

async function expectRefused(body: Buffer | string, message: RegExp, query?: Record<string, string>) {
  const r = await upload(body, query);
  expect(r.status).toBe(200);
  expect(r.result, r.text).toBeDefined();
  expect(r.result!.status).toBe("refused");
  expect(r.result!.message).toMatch(message);
  expect(r.result!.message).not.toMatch(/undefined|\[object|Error:/);
  expect(await loadedRows(r.result!.batchId)).toBe(0);
  const left = filesUnder(dataDir).filter((f) => f.includes(r.result!.batchId) && !f.endsWith(".errors.csv"));
  expect(left, "no stored original or partial file of a refused upload").toEqual([]);
  return r.result!;
}

describe("bad input through the upload route: refused with a specific message, nothing loaded, nothing left behind", () => {
  it("a valid file with a byte-order mark and CRLF line ends loads", async () => {
    const r = await upload("\uFEFF" + hb(5).replaceAll("\n", "\r\n"));
    expect(r.events[0]).toEqual({ type: "accepted", dataset: "housing-benefits" });
    expect(r.result).toMatchObject({ status: "loaded", rowsLoaded: 5 });
    expect(await loadedRows(r.result!.batchId)).toBe(5);
  });

  it("an empty file is refused before reading", async () => {
    const r = await upload("");
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).message).toMatch(/empty/);
  });

  it("a header only", async () => {
    await expectRefused(headerLine("housing-benefits") + "\n", /header row but no data rows/);
  });

  it("semicolon and tab delimited files", async () => {
    await expectRefused(hb(3).replaceAll(",", ";"), /uses ';' as separator/);
    await expectRefused(hb(3).replaceAll(",", "\t"), /uses a tab as separator/);
  });

  it("quoted newlines are read as one field and line numbers stay right", async () => {
    const [header, a, b] = hb(2).trimEnd().split("\n");
    const broken = a!.replace(/,(owner_occupied|private_rented|social_rented|shared_ownership|temporary_accommodation|other),/, ',"social\nrented",');
    const res = await expectRefused([header, broken, b].join("\n") + "\n", /1 error was found in 1 of 2 rows/);
    expect(res.rowsTotal).toBe(2);
  });

  it("an unbalanced quote", async () => {
    await expectRefused(hb(3).replace(/\n([0-9a-f])/, '\n"$1'), /unbalanced quote|never closed|quote/i);
  });

  it("a duplicate header, missing and unknown columns", async () => {
    const [header, ...rest] = hb(2).split("\n");
    await expectRefused([header + ",tenure", ...rest.map((l) => (l ? l + ",other" : l))].join("\n"), /more than once: tenure/);
    const cols = header!.split(",");
    const without = (l: string) =>
      l
        .split(",")
        .filter((_, i) => cols[i] !== "tenure")
        .join(",");
    await expectRefused([without(header!), ...rest.map((l) => (l ? without(l) : l))].join("\n"), /required columns are missing: tenure/);
    await expectRefused([header + ",notes", ...rest.map((l) => (l ? l + ",x" : l))].join("\n"), /not in the specification.*notes/);
  });

  it("UTF-16 and Latin-1 files", async () => {
    await expectRefused(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(hb(2), "utf16le")]), /UTF-16/);
    await expectRefused(
      Buffer.from(hb(2).replace("\n", "\n").replace(/,N,/, ",N,") + `${"a".repeat(64)},A,,,,caf\xe9,,N,N,N,N,N,N,,,,,,\n`, "latin1"),
      /not valid UTF-8.*Latin-1/,
    );
  });

  it("a 10 MB field", async () => {
    const [header, ...rest] = hb(2).split("\n");
    await expectRefused(
      [header, rest[0]!.replace(/^[0-9a-f]{64}/, '"' + "x".repeat(10 * 1024 * 1024) + '"'), ...rest.slice(1)].join("\n"),
      /longer than 10,000 characters/,
    );
  });

  it("binary data and a ZIP archive renamed .csv", async () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256;
    await expectRefused(binary, /not a text CSV file/);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]);
    await expectRefused(zip, /ZIP archive/);
  });

  it("5,000 columns", async () => {
    const header = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(",");
    await expectRefused(header + "\n" + Array.from({ length: 5000 }, () => "1").join(",") + "\n", /more than 200 columns/);
  });

  it("duplicate keys where the specification says unique", async () => {
    const [header, a, b] = hb(2).trimEnd().split("\n");
    const key = a!.slice(0, 64);
    const res = await expectRefused([header, a, key + b!.slice(64)].join("\n") + "\n", /1 error was found/);
    expect(res.rowsTotal).toBe(2);
  });

  it("a file for the wrong dataset", async () => {
    const other = [headerLine("police-crime"), ...rows("police-crime", 3)].join("\n") + "\n";
    await expectRefused(other, /looks like a police-crime file/);
  });

  it("formula-looking values stay data in the report, neutralised in the error CSV", async () => {
    const [header, a] = hb(1).trimEnd().split("\n");
    const formula = '=HYPERLINK("http://evil.example","x")';
    const res = await expectRefused(
      [
        header,
        a!.replace(
          /,(owner_occupied|private_rented|social_rented|shared_ownership|temporary_accommodation|other),/,
          `,"${formula.replaceAll('"', '""')}",`,
        ),
      ].join("\n") + "\n",
      /1 error/,
    );
    const csv = fs.readFileSync(errorReportPath(orgId, res.batchId), "utf8");
    expect(csv).toContain(`"'${formula.replaceAll('"', '""')}"`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });

  it("with loadValidRows the valid rows load, the choice is recorded and the errors reported", async () => {
    const [header, ...rest] = hb(4).trimEnd().split("\n");
    rest[1] = rest[1]!.replace(/,[A-H],/, ",Z,");
    const r = await upload([header, ...rest].join("\n") + "\n", { dataset: "housing-benefits", loadValidRows: "1" });
    expect(r.result).toMatchObject({ status: "loaded", rowsLoaded: 3, errorCount: 1 });
    const b = await withContextClient(
      { kind: "org", orgId },
      async (c) => (await c.query(`SELECT load_valid_rows_only, status FROM upload_batch WHERE id = $1`, [r.result!.batchId])).rows[0],
    );
    expect(b).toEqual({ load_valid_rows_only: true, status: "loaded" });
  });

  it("answers problems found before reading with a 4xx and a sentence, never a 500", async () => {
    const unknown = await upload(hb(1), { dataset: "pets" });
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text).message).toMatch(/Choose which dataset/);
    const noPeriod = await upload(hb(1), { dataset: "troubled-families" });
    expect(noPeriod.status).toBe(400);
    expect(JSON.parse(noPeriod.text).message).toMatch(/6-monthly batches/);
    const form = await upload(hb(1), undefined, { "content-type": "multipart/form-data; boundary=x" });
    expect(form.status).toBe(415);
    const huge = await upload("x", undefined, { "content-length": String(3 * 1024 ** 3) });
    expect(huge.status).toBe(413);
  });

  it("a file with un-pseudonymised identifiers becomes an incident: deleted, recorded, explained", async () => {
    const [header, a, b] = hb(2).trimEnd().split("\n");
    const r = await upload([header, a, "jane.doe@example.org" + b!.slice(64)].join("\n") + "\n");
    expect(r.result!.status).toBe("incident");
    expect(r.result!.message).toMatch(/not pseudonymised.*deleted.*incident/s);
    expect(r.text).not.toContain("jane.doe");
    expect(filesUnder(dataDir).filter((f) => f.includes(r.result!.batchId))).toEqual([]);
    const incident = await withContextClient(
      { kind: "admin", userId: crypto.randomUUID() },
      async (c) => (await c.query(`SELECT * FROM ingest_incident WHERE batch_id = $1`, [r.result!.batchId])).rows[0],
    );
    expect(incident).toMatchObject({ source: "browser", cell_count: 1, bytes_deleted: true, uploaded_by_id: uploader.userId });
    expect(JSON.stringify(incident)).not.toContain("jane");
    const mail = await withContextClient(
      { kind: "system", purpose: "test" },
      async (c) =>
        (await c.query(`SELECT to_address, subject, body FROM notification_outbox WHERE org_id = $1 AND kind = 'ingest.incident'`, [orgId])).rows,
    );
    expect(mail).toHaveLength(1);
    expect(mail[0].to_address).toMatch(/^dpo@/);
    expect(mail[0].body).not.toContain("jane");
  });
});

describe("a cancelled upload", () => {
  it("loads nothing, keeps no bytes and marks the batch failed", async () => {
    const body = Buffer.from(hb(2000));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > body.length / 2) {
          controller.error(new Error("aborted"));
          return;
        }
        controller.enqueue(body.subarray(sent, sent + 16_384));
        sent += 16_384;
      },
    });
    const req = new Request("http://portal.test/api/uploads?dataset=housing-benefits", {
      method: "POST",
      body: stream,
      headers: { "content-type": "text/csv", "content-length": String(body.length) },
      duplex: "half",
    } as RequestInit);
    const res = await send(req);
    const events = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as UploadEvent);
    const last = events[events.length - 1]!;
    expect(last).toEqual({ type: "error", message: expect.stringMatching(/cancelled or the connection was lost/) });
    const batch = await withContextClient(
      { kind: "org", orgId },
      async (c) => (await c.query(`SELECT id, status FROM upload_batch ORDER BY created_at DESC LIMIT 1`)).rows[0],
    );
    expect(batch.status).toBe("failed");
    expect(await loadedRows(batch.id)).toBe(0);
    expect(filesUnder(path.join(dataDir, "files")).filter((f) => f.includes(batch.id))).toEqual([]);
  });
});
