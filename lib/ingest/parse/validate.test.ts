import { describe, expect, it } from "vitest";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import fc from "fast-check";
import { getDataset, type DatasetId, type RowOf } from "@/lib/datasets";
import { fakeDigest, generateCsv, headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import {
  errorReportCsvLines,
  validateCsv,
  validateCsvStream,
  type CsvInput,
  type FileError,
  type ValidateOptions,
  type ValidationReport,
} from "@/lib/ingest/parse";

const PERIOD = "2016-H1";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunksOf(data: Uint8Array | string, size = Number.POSITIVE_INFINITY): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}

async function run<Id extends DatasetId>(
  data: Uint8Array | string | CsvInput,
  options: Partial<ValidateOptions<Id>> & { datasetId?: Id; chunkSize?: number } = {},
): Promise<{ report: ValidationReport; rows: RowOf<Id>[]; lines: number[] }> {
  const rows: RowOf<Id>[] = [];
  const lines: number[] = [];
  const input = typeof data === "string" || data instanceof Uint8Array ? chunksOf(data, options.chunkSize) : data;
  const report = await validateCsv(input, {
    datasetId: (options.datasetId ?? "youth-offending") as Id,
    period: options.period ?? PERIOD,
    ...(options.maxErrorsKept !== undefined ? { maxErrorsKept: options.maxErrorsKept } : {}),
    ...(options.maxFieldLength !== undefined ? { maxFieldLength: options.maxFieldLength } : {}),
    ...(options.maxColumns !== undefined ? { maxColumns: options.maxColumns } : {}),
    onRows: (batch) => {
      rows.push(...batch.rows);
      lines.push(...batch.lines);
    },
  });
  return { report, rows, lines };
}

function csv(id: DatasetId, rows: number, eol = "\n"): string {
  let text = headerLine(id) + eol;
  for (let i = 0; i < rows; i++) text += sampleRowCells(id, i, { period: PERIOD }).join(",") + eol;
  return text;
}

function onlyFileError(report: ValidationReport): FileError {
  expect(report.fileErrors).toHaveLength(1);
  return report.fileErrors[0]!;
}

const K1 = fakeDigest(1);
const K2 = fakeDigest(2);
const YO = "address_key,yos_known,offence_category,offence_gravity";

describe("valid files", () => {
  it("streams normalised rows with their physical line numbers", async () => {
    const text = `${YO}\n${K1.toUpperCase()},yes,theft,3\n${K2},N,,\n`;
    const { report, rows, lines } = await run(text);
    expect(report.status).toBe("valid");
    expect(report).toMatchObject({ rowsSeen: 2, validRows: 2, invalidRows: 0, rowsEmitted: 2, errorCount: 0, complete: true });
    expect(rows).toEqual([
      { address_key: K1, yos_known: true, offence_category: "theft", offence_gravity: 3 },
      { address_key: K2, yos_known: false, offence_category: null, offence_gravity: null },
    ]);
    expect(lines).toEqual([2, 3]);
  });

  it.each([
    ["housing-benefits", 300],
    ["social-care", 300],
    ["school-readiness", 300],
    ["youth-offending", 300],
    ["drug-alcohol", 300],
    ["police-crime", 300],
    ["troubled-families", 300],
  ] as const)("accepts a generated %s extract", async (id, n) => {
    const { report, rows } = await run(csv(id, n), { datasetId: id });
    expect(report.errors).toEqual([]);
    expect(report.fileErrors).toEqual([]);
    expect(report.status).toBe("valid");
    expect(rows).toHaveLength(n);
  });

  it("accepts a UTF-8 byte-order mark", async () => {
    const { report, rows } = await run(`\uFEFF${YO}\n${K1},Y,,\n`);
    expect(report.status).toBe("valid");
    expect(rows).toHaveLength(1);
  });

  it("accepts CRLF line endings", async () => {
    const { report, lines } = await run(`${YO}\r\n${K1},Y,,\r\n${K2},N,,\r\n`);
    expect(report.status).toBe("valid");
    expect(lines).toEqual([2, 3]);
    expect(report.linesRead).toBe(3);
  });

  it("accepts quoted fields and quoted newlines, counting physical lines", async () => {
    const text = `${YO}\n"${K1}","Y","theft","1"\n${K2},"N\nX",,\n${K1},Y,,9\n`;
    const { report } = await run(text);
    expect(report.errors.map((e) => [e.line, e.column, e.rule])).toEqual([
      [3, "yos_known", "invalid-format"],
      [5, "offence_gravity", "out-of-range"],
    ]);
  });

  it("matches headers case-insensitively, trims them, and lets columns come in any order", async () => {
    const text = ` Offence_Gravity ,ADDRESS_KEY,yos_known , offence_category\n2,${K1},Y,drugs\n`;
    const { report, rows } = await run(text);
    expect(report.status).toBe("valid");
    expect(rows[0]).toEqual({ address_key: K1, yos_known: true, offence_category: "drugs", offence_gravity: 2 });
  });

  it("keeps formula-looking values as data (they are neutralised only when written to CSV)", async () => {
    const district = "-SUM-1";
    const cells = sampleRowCells("school-readiness", 0);
    const def = getDataset("school-readiness");
    cells[def.columns.findIndex((c) => c.name === "school_district")] = district;
    const text = `${headerLine("school-readiness")}\n${cells.join(",")}\n`;
    const { report, rows } = await run(text, { datasetId: "school-readiness" });
    expect(report.status).toBe("valid");
    expect(rows[0]!.school_district).toBe(district);

    const bad = `${YO}\n${K1},=1+1,@SUM(A1),+3\n`;
    const invalid = await run(bad);
    expect(invalid.report.errors.map((e) => e.value)).toEqual(["=1+1", "@SUM(A1)", "+3"]);
    const reportCsv = (await collect(errorReportCsvLines(invalid.report))).join("");
    expect(reportCsv).toContain(",'=1+1,");
    expect(reportCsv).toContain(",'@SUM(A1),");
    expect(reportCsv).toContain(",'+3,");
  });

  it("reads a Node file stream", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ingest-"));
    try {
      const file = path.join(dir, "x.csv");
      await writeFile(file, csv("police-crime", 2_000, "\r\n"));
      const { report, rows } = await run(createReadStream(file, { highWaterMark: 4096 }), { datasetId: "police-crime" });
      expect(report.status).toBe("valid");
      expect(rows).toHaveLength(2_000);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("gives the same result however the bytes are chunked", async () => {
    const text = `\uFEFF${YO}\r\n"${K1}",Y,"the""ft",1\r\n${K2},"N",,\r\n${K1},ja,,\r\nCafé,Y,,\r\n`;
    const whole = await run(text);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunked = await run(text, { chunkSize: size });
      expect(chunked.report, `chunk ${size}`).toEqual(whole.report);
      expect(chunked.rows).toEqual(whole.rows);
    }
  });
});

describe("file-level problems", () => {
  it("empty file", async () => {
    const { report } = await run("");
    expect(onlyFileError(report)).toEqual({ code: "empty-file", message: "The file is empty: it has no header row and no data." });
    expect(report.status).toBe("invalid");
    expect(report.linesRead).toBe(0);
    expect((await run("\uFEFF")).report.fileErrors[0]!.code).toBe("empty-file");
    expect((await run("\n\r\n\n")).report.fileErrors[0]!.code).toBe("empty-file");
  });

  it("header only", async () => {
    const { report } = await run(`${YO}\n`);
    expect(onlyFileError(report)).toMatchObject({ code: "no-data-rows", message: "The file has a header row but no data rows." });
    expect((await run(`${YO}\n\n\n`)).report.fileErrors[0]!.code).toBe("no-data-rows");
  });

  it("semicolon-separated file", async () => {
    const { report } = await run(`${YO.replaceAll(",", ";")}\n${K1};Y;;\n`);
    expect(onlyFileError(report)).toMatchObject({
      code: "wrong-delimiter",
      delimiter: ";",
      message: "This file uses ';' as separator; the specification requires commas.",
    });
  });

  it("tab-separated file", async () => {
    const { report } = await run(`${YO.replaceAll(",", "\t")}\n${K1}\tY\t\t\n`);
    expect(onlyFileError(report)).toMatchObject({
      code: "wrong-delimiter",
      delimiter: "\t",
      message: "This file uses a tab as separator; the specification requires commas.",
    });
  });

  it("unbalanced quote: reports the line where the quote opened", async () => {
    const text = `${YO}\n${K1},Y,,\n${K2},"Y,,\n${K1},N,,\n${K2},N,,\n`;
    const { report } = await run(text);
    expect(report.fileErrors).toEqual([
      {
        code: "unbalanced-quote",
        line: 3,
        message: "A quoted field opened on line 3 is never closed (unbalanced quote), so the rest of the file cannot be read.",
      },
    ]);
    expect(report.complete).toBe(false);
  });

  it("duplicate header", async () => {
    const { report } = await run(`${YO},Yos_Known\n${K1},Y,,,N\n`);
    expect(onlyFileError(report)).toMatchObject({
      code: "duplicate-header",
      columns: ["yos_known"],
      message: "These column headers appear more than once: yos_known.",
    });
  });

  it("missing columns are listed", async () => {
    const { report } = await run(`address_key,yos_known\n${K1},Y\n`);
    expect(onlyFileError(report)).toMatchObject({
      code: "missing-columns",
      columns: ["offence_category", "offence_gravity"],
      message: "These required columns are missing: offence_category, offence_gravity.",
    });
  });

  it("unknown columns are listed and refused", async () => {
    const { report, rows } = await run(`${YO},notes,\n${K1},Y,,,hello,\n`);
    expect(onlyFileError(report)).toMatchObject({
      code: "unknown-columns",
      columns: ["notes", "(empty header, column 6)"],
      message:
        "These columns are not in the specification and are refused, because an unexpected column may carry identifiers: notes, (empty header, column 6).",
    });
    expect(rows).toEqual([]);
    expect(report.rowsSeen).toBe(1);
  });

  it("a file without its header row: data on line 1 is never echoed", async () => {
    const { report } = await run(`${K1},Y,,\n${K2},N,,\n`);
    expect(onlyFileError(report)).toEqual({
      code: "no-header-row",
      line: 1,
      message: "The first line holds data (a pseudonym), not column names: the specification requires a header row with the column names.",
    });
    expect(JSON.stringify(report)).not.toContain(K1.slice(0, 16));
    expect(report.status).toBe("invalid");
  });

  it("identifiers in the header line are an incident and are withheld from messages", async () => {
    const { report } = await run(`John Smith,CM16 5HW,Y,\nJane Brown,SS14 1AB,N,\n`);
    expect(report.status).toBe("incident");
    expect(report.identifierFindings).toEqual([
      { rule: "personal-name", column: "(header, column 1)", cells: 1, firstLines: [1] },
      { rule: "postcode", column: "(header, column 2)", cells: 1, firstLines: [1] },
      { rule: "personal-name", column: "(column 1, withheld: it looks like an identifier)", cells: 1, firstLines: [2] },
      { rule: "postcode", column: "(column 2, withheld: it looks like an identifier)", cells: 1, firstLines: [2] },
    ]);
    const text = JSON.stringify(report).toLowerCase();
    for (const leaked of ["john", "smith", "cm16", "jane", "ss14"]) expect(text).not.toContain(leaked);
  });

  it("no dataset's own header raises an identifier finding", async () => {
    for (const id of [
      "housing-benefits",
      "social-care",
      "school-readiness",
      "youth-offending",
      "drug-alcohol",
      "police-crime",
      "troubled-families",
    ] as const) {
      const { report } = await run(csv(id, 1), { datasetId: id });
      expect(report.identifierFindings, id).toEqual([]);
    }
  });

  it("a file for another dataset says which one it looks like", async () => {
    const { report } = await run(csv("police-crime", 3), { datasetId: "housing-benefits" });
    expect(onlyFileError(report)).toMatchObject({
      code: "wrong-dataset",
      looksLike: "police-crime",
      message: "This looks like a police-crime file (Police and crime), not a housing-benefits file. Check that you chose the right dataset.",
    });
    expect(report.status).toBe("invalid");
  });

  it("UTF-16 with a byte-order mark", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${YO}\n${K1},Y,,\n`, "utf16le")]);
    expect(onlyFileError((await run(le)).report)).toMatchObject({
      code: "utf16",
      message:
        'This file is UTF-16 encoded (it starts with the little-endian byte-order mark FF FE); the specification requires UTF-8. Save it from your spreadsheet or database as "CSV UTF-8 (comma delimited)" and upload again.',
    });
    const be = Buffer.from(le);
    be.swap16();
    expect(onlyFileError((await run(be)).report).message).toContain("big-endian byte-order mark FE FF");
  });

  it("UTF-16 without a byte-order mark (NUL pattern)", async () => {
    const le = Buffer.from(`${YO}\n${K1},Y,,\n`, "utf16le");
    expect(onlyFileError((await run(le)).report)).toMatchObject({ code: "utf16" });
    expect(onlyFileError((await run(le)).report).message).toContain("little-endian, recognised by its NUL bytes");
    const be = Buffer.from(le);
    be.swap16();
    expect(onlyFileError((await run(be)).report).message).toContain("big-endian");
  });

  it("Latin-1 / invalid UTF-8: says which line and byte offset", async () => {
    const head = `${YO}\n${K1},Y,,\n`;
    const latin1 = Buffer.concat([Buffer.from(head, "latin1"), Buffer.from("Caf\xe9,Y,,\n", "latin1")]);
    const { report } = await run(latin1);
    const offset = Buffer.byteLength(head) + 3;
    expect(onlyFileError(report)).toEqual({
      code: "invalid-utf8",
      line: 3,
      byteOffset: offset,
      message: `This file is not valid UTF-8: line 3, byte offset ${offset} holds a byte sequence UTF-8 does not allow. It is probably Latin-1 / Windows-1252 encoded. Save it from your spreadsheet or database as "CSV UTF-8 (comma delimited)" and upload again.`,
    });
    // The same, cut into pieces so the bad byte and line breaks fall on chunk edges.
    for (const size of [1, 5, 70]) {
      expect(onlyFileError((await run(latin1, { chunkSize: size })).report)).toMatchObject({ line: 3, byteOffset: offset });
    }
  });

  it("a multi-byte character split across chunks is fine; a truncated one at the end is not", async () => {
    const ok = `${YO}\n${K1},Y,,\n`.replace("offence_gravity", "offence_gravity");
    const withAccent = Buffer.from(`${ok}Zoë,Y,,\n`, "utf8");
    const split = await run(withAccent, { chunkSize: 1 });
    expect(split.report.fileErrors).toEqual([]);
    const truncated = Buffer.concat([Buffer.from(`${YO}\n${K1},Y,,\nZo`), Buffer.from([0xc3])]);
    expect(onlyFileError((await run(truncated)).report)).toMatchObject({ code: "invalid-utf8", byteOffset: truncated.length - 1 });
  });

  it("a 10 MB field is refused without buffering it", async () => {
    const before = process.memoryUsage().heapUsed;
    async function* input(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${YO}\n${K1},Y,,\n${K2},`);
      const block = Buffer.alloc(64 * 1024, "x");
      for (let i = 0; i < 160; i++) yield block;
      yield Buffer.from(",,\n");
    }
    const { report } = await run(input());
    expect(onlyFileError(report)).toEqual({
      code: "field-too-long",
      line: 3,
      message:
        "A field starting on line 3 is longer than 10,000 characters; no field of this specification is anywhere near that long, so the file is refused.",
    });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024);
  });

  it("a huge quoted field that never closes is reported as an unbalanced quote", async () => {
    async function* input(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${YO}\n${K1},"Y`);
      const block = Buffer.alloc(64 * 1024, "x");
      for (let i = 0; i < 40; i++) yield block;
    }
    expect(onlyFileError((await run(input())).report)).toMatchObject({ code: "unbalanced-quote", line: 2 });
  });

  it("binary data", async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    expect(onlyFileError((await run(random)).report)).toMatchObject({
      code: "binary-content",
      message: "This is not a text CSV file: it contains NUL bytes (binary data).",
    });
    const bell = await run(`${YO}\n${K1},Y\u0007,,\n`);
    expect(onlyFileError(bell.report)).toMatchObject({
      code: "binary-content",
      line: 2,
      message: "This is not a text CSV file: line 2 contains the control character 0x07, which no CSV text holds.",
    });
  });

  it("recognises other file types by their signature", async () => {
    expect(onlyFileError((await run(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0]))).report).message).toContain("gzip");
    expect(onlyFileError((await run(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).report).message).toContain(".xls");
    expect(onlyFileError((await run("%PDF-1.7\n")).report).message).toContain("PDF");
  });

  it("a ZIP archive renamed .csv", async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), Buffer.from("[Content_Types].xml")]);
    expect(onlyFileError((await run(zip)).report)).toEqual({
      code: "zip-archive",
      message:
        'This is a ZIP archive (an Excel .xlsx workbook is one), not a CSV file. Export the sheet as "CSV UTF-8 (comma delimited)" and upload that.',
    });
  });

  it("5,000 columns are refused quickly without reading the rest", async () => {
    let pulled = 0;
    async function* input(): AsyncGenerator<Uint8Array> {
      const header = Array.from({ length: 5000 }, (_, i) => `column_${i}`).join(",");
      pulled++;
      yield Buffer.from(header + "\n");
      const row = Buffer.from(Array.from({ length: 5000 }, () => "1").join(",") + "\n");
      for (let i = 0; i < 100_000; i++) {
        pulled++;
        yield row;
      }
    }
    const started = performance.now();
    const { report } = await run(input());
    expect(performance.now() - started).toBeLessThan(1000);
    expect(onlyFileError(report)).toMatchObject({
      code: "too-many-columns",
      line: 1,
      message: "The header has more than 200 columns; this dataset has 4. The file is refused without reading further.",
    });
    expect(pulled).toBeLessThan(5);
    expect(report.complete).toBe(false);
  });

  it("troubled-families needs a valid batch period", async () => {
    const text = csv("troubled-families", 2);
    const missing = await run(text, { datasetId: "troubled-families", period: "" });
    expect(onlyFileError(missing.report)).toEqual({
      code: "period-required",
      message: "troubled-families uploads must name the batch they belong to, as YYYY-H1 or YYYY-H2.",
    });
    expect(missing.rows).toEqual([]);
    const other = await run(text, { datasetId: "troubled-families", period: "2016-H2" });
    expect(other.report.errorGroups).toEqual([
      { column: "batch_period", rule: "batch-period-mismatch", count: 2, firstLine: 2, expected: "2016-H2, the batch this file is uploaded as" },
    ]);
  });

  it("a failing input stream is reported, not thrown", async () => {
    async function* input(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${YO}\n${K1},Y,,\n`);
      throw new Error("socket hang up");
    }
    const { report } = await run(input());
    expect(onlyFileError(report)).toEqual({
      code: "read-failed",
      message: "The file could not be read to the end (the transfer was interrupted). Upload it again.",
    });
    expect(report.complete).toBe(false);
  });

  it("never throws, whatever the bytes (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 600 }),
          fc
            .string({ unit: fc.constantFrom(",", '"', "\n", "\r", "a", "Y", "1", " ", "é", "\u0000", ";"), maxLength: 200 })
            .map((s) => Buffer.from(YO + "\n" + s)),
        ),
        fc.integer({ min: 1, max: 50 }),
        async (bytes, size) => {
          const { report } = await run(bytes, { chunkSize: size });
          expect(["valid", "invalid", "incident"]).toContain(report.status);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("row-level errors", () => {
  it("are specific: line, column, rule, expected, and the value only for non-key columns", async () => {
    const text = `${YO}\n${K1.slice(1)},maybe,arson,9\n`;
    const { report } = await run(text);
    expect(report.errors).toEqual([
      { line: 2, column: "address_key", rule: "invalid-format", expected: "a pseudonym: 64 hexadecimal characters (0-9, a-f, any case)" },
      { line: 2, column: "yos_known", rule: "invalid-format", expected: "Y or N (also yes/no, true/false, 1/0, any case)", value: "maybe" },
      {
        line: 2,
        column: "offence_category",
        rule: "not-allowed-value",
        expected: "one of: violence_against_person, robbery, theft, burglary, criminal_damage, drugs, public_order, motoring, sexual, other",
        value: "arson",
      },
      { line: 2, column: "offence_gravity", rule: "out-of-range", expected: "a whole number from 1 to 8", value: "9" },
    ]);
    expect(report.status).toBe("invalid");
    expect(report.invalidRows).toBe(1);
  });

  it("keeps the first N examples but counts and groups all", async () => {
    let text = `${YO}\n`;
    for (let i = 0; i < 500; i++) text += `${fakeDigest(i)},${i % 2 ? "x" : "Y"},,${i % 5 === 0 ? 0 : 1}\n`;
    const { report, rows } = await run(text, { maxErrorsKept: 10 });
    expect(report.errors).toHaveLength(10);
    expect(report.errorCount).toBe(250 + 100);
    expect(report.errorGroups).toEqual([
      { column: "offence_gravity", rule: "out-of-range", count: 100, firstLine: 2, expected: "a whole number from 1 to 8" },
      { column: "yos_known", rule: "invalid-format", count: 250, firstLine: 3, expected: "Y or N (also yes/no, true/false, 1/0, any case)" },
    ]);
    expect(rows).toHaveLength(200);
  });

  it("reports rows with the wrong number of fields and misplaced quotes", async () => {
    const text = `${YO}\n${K1},Y,,\n${K2},Y\n${K1},Y,the"ft,1\n`;
    const { report } = await run(text);
    expect(report.errors).toEqual([
      { line: 3, column: "(row)", rule: "wrong-field-count", expected: "4 fields, like the header", value: "2 fields" },
      {
        line: 4,
        column: "offence_category",
        rule: "misplaced-quote",
        expected: 'quotes only around a whole field, with any quote inside it doubled ("")',
      },
    ]);
  });

  it("reports cross-field rules", async () => {
    const head = "person_key,address_key,birth_month,start_date,end_date";
    const { report } = await run(`${head}\n${K1},${K2},2011-03,2016-05-01,2016-04-01\n`, { datasetId: "social-care" });
    expect(report.errors).toEqual([
      { line: 2, column: "end_date", rule: "end-before-start", expected: "a date on or after start_date (2016-05-01)", value: "2016-04-01" },
    ]);
  });

  it("housing: a repeated address_key is a duplicate, pointing at the first line", async () => {
    const rows = [0, 1, 0, 2].map((i) => sampleRowCells("housing-benefits", i).join(","));
    const upper = sampleRowCells("housing-benefits", 1);
    upper[0] = upper[0]!.toUpperCase();
    const text = `${headerLine("housing-benefits")}\n${rows.join("\n")}\n${upper.join(",")}\n`;
    const { report, rows: out } = await run(text, { datasetId: "housing-benefits" });
    expect(report.errors).toEqual([
      {
        line: 4,
        column: "address_key",
        rule: "duplicate",
        expected: "a value not seen before in this file (address_key is unique: one row per household.); first seen on line 2",
      },
      {
        line: 6,
        column: "address_key",
        rule: "duplicate",
        expected: "a value not seen before in this file (address_key is unique: one row per household.); first seen on line 3",
      },
    ]);
    expect(out).toHaveLength(3);
  });

  it("school readiness: person_key unique per assessment_year", async () => {
    const def = getDataset("school-readiness");
    const at = (n: string) => def.columns.findIndex((c) => c.name === n);
    const a = sampleRowCells("school-readiness", 0);
    const b = sampleRowCells("school-readiness", 1);
    b[at("person_key")] = a[at("person_key")]!;
    b[at("assessment_year")] = String(Number(a[at("assessment_year")]) + 1);
    const c = [...b];
    const text = `${headerLine("school-readiness")}\n${[a, b, c].map((r) => r.join(",")).join("\n")}\n`;
    const { report } = await run(text, { datasetId: "school-readiness" });
    expect(report.errors.map((e) => [e.line, e.rule])).toEqual([[4, "duplicate"]]);
  });
});

describe("identifier incidents", () => {
  it("take precedence, carry no values, and stop rows from being emitted", async () => {
    let text = `${YO}\n`;
    for (let i = 0; i < 5; i++) text += `${fakeDigest(i)},Y,,\n`;
    text += `John Smith,Y,,\n${fakeDigest(9)},Y,,\nSS14 1AB,nope,,\n${fakeDigest(10)},Y,,\n`;
    const { report, rows } = await run(text, { chunkSize: 4096 });
    expect(report.status).toBe("incident");
    expect(report.identifierFindings).toEqual([
      { rule: "personal-name", column: "address_key", cells: 1, firstLines: [7] },
      { rule: "postcode", column: "address_key", cells: 1, firstLines: [9] },
    ]);
    expect(report.identifierCells).toBe(2);
    // The value of the flag error on the same line is withheld too: the file holds identifiers.
    expect(report.errors).toEqual([
      { line: 9, column: "yos_known", rule: "invalid-format", expected: "Y or N (also yes/no, true/false, 1/0, any case)" },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/John|Smith|SS14|nope/);
    expect(rows).toEqual([]);
    expect(report.rowsEmitted).toBe(0);
  });

  it("a full date of birth in birth_month", async () => {
    const head = "person_key,address_key,birth_month,start_date,end_date";
    const { report } = await run(`${head}\n${K1},${K2},2011-03-14,2016-05-01,\n`, { datasetId: "social-care" });
    expect(report.status).toBe("incident");
    expect(report.identifierFindings).toEqual([{ rule: "full-date", column: "birth_month", cells: 1, firstLines: [2] }]);
    expect(report.errors).toEqual([]);
  });

  it("are found in columns of a refused header (a forgotten postcode column)", async () => {
    const text = `${YO},postcode\n${K1},Y,,,CM16 5HW\n${K2},N,,,SS14 1AB\n`;
    const { report, rows } = await run(text);
    expect(report.status).toBe("incident");
    expect(report.fileErrors.map((e) => e.code)).toEqual(["unknown-columns"]);
    expect(report.identifierFindings).toEqual([{ rule: "postcode", column: "postcode", cells: 2, firstLines: [2, 3] }]);
    expect(rows).toEqual([]);
  });

  it("are found in a file for another dataset", async () => {
    const text = `${headerLine("police-crime")}\n${sampleRowCells("police-crime", 0).join(",")}\nJane Doe${sampleRowCells("police-crime", 1).join(",").slice(64)}\n`;
    const { report } = await run(text, { datasetId: "housing-benefits" });
    expect(report.fileErrors.map((e) => e.code)).toEqual(["wrong-dataset"]);
    expect(report.identifierFindings.map((f) => [f.rule, f.column])).toEqual([["key-not-pseudonymised", "address_key"]]);
  });

  it("an NHS number typed into an amount", async () => {
    const cells = sampleRowCells("housing-benefits", 0);
    cells[4] = "9434765919";
    const { report } = await run(`${headerLine("housing-benefits")}\n${cells.join(",")}\n`, { datasetId: "housing-benefits" });
    expect(report.identifierFindings).toEqual([{ rule: "nhs-number", column: "housing_benefit_gbp", cells: 1, firstLines: [2] }]);
    expect(report.status).toBe("incident");
  });

  it("valid pseudonyms, months, URNs and district codes raise nothing", async () => {
    const { report } = await run(csv("school-readiness", 2_000), { datasetId: "school-readiness" });
    expect(report.identifierFindings).toEqual([]);
    expect(report.status).toBe("valid");
  });
});

describe("streaming", () => {
  it("applies back-pressure: the input is read only as batches are consumed", async () => {
    let pulled = 0;
    const rows = 50_000;
    const source = generateCsv("police-crime", rows, { chunkBytes: 16_384 });
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        pulled++;
        yield chunk;
      }
    }
    const run = validateCsvStream(counted(), { datasetId: "police-crime" });
    const iterator = run[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    expect(pulled).toBeLessThanOrEqual(3);
    let seen = 0;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) seen += r.value.rows.length;
    expect((await run.report).validRows).toBe(rows);
    expect(seen).toBeGreaterThan(rows - 1_000);
  });

  it("settles the report when the consumer stops early, and closes the source", async () => {
    let closed = false;
    const stream = Readable.from(generateCsv("police-crime", 100_000));
    stream.on("close", () => (closed = true));
    const run = validateCsvStream(stream, { datasetId: "police-crime" });
    for await (const batch of run) {
      expect(batch.rows.length).toBeGreaterThan(0);
      break;
    }
    const report = await run.report;
    expect(report.complete).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(true);
  });

  it("hands out COPY text with the rows when asked, each line led by its line number", async () => {
    let text = "";
    let rows = 0;
    const report = await validateCsv(chunksOf(`${YO}\n${K1.toUpperCase()},yes,theft,03\n${K2},bad,,\n${K2},N,,\n`), {
      datasetId: "youth-offending",
      copyText: true,
      maxErrorsKept: 10,
      onRows: (batch) => {
        rows += batch.rows.length;
        text += batch.copyText!.toString("utf8");
      },
    });
    expect(report.status).toBe("invalid");
    expect(rows).toBe(2);
    expect(text).toBe(`2\t${K1}\tt\ttheft\t03\n4\t${K2}\tf\t\\N\t\\N\n`);
    const without = validateCsvStream(chunksOf(`${YO}\n${K1},Y,,\n`), { datasetId: "youth-offending" });
    for await (const batch of without) expect(batch.copyText).toBeUndefined();
  });

  it("accepts string chunks", async () => {
    async function* strings() {
      yield `${YO}\n${K1},`;
      yield "Y,,\n";
    }
    expect((await run(strings())).report.status).toBe("valid");
  });
});

describe("error report CSV", () => {
  it("renders file errors, identifier findings, counts and examples", async () => {
    const text = `${YO},postcode\n${K1},Y,,,CM16 5HW\n`;
    const incident = await run(text);
    const lines = (await collect(errorReportCsvLines(incident.report))).join("").split("\r\n");
    expect(lines[0]).toBe("\uFEFFkind,line,column,rule,expected,value,count,message");
    expect(lines[1]).toBe(
      'file,1,postcode,unknown-columns,,,,"These columns are not in the specification and are refused, because an unexpected column may carry identifiers: postcode."',
    );
    expect(lines[2]).toBe("identifier,2,postcode,postcode,,,1,Looks like a UK postcode: the file must be deleted and the incident recorded.");
    expect(lines.join("\n")).not.toContain("CM16");

    const invalid = await run(`${YO}\n${K1},x,,\n${K2},x,,\n`);
    const rows = (await collect(errorReportCsvLines(invalid.report))).join("").split("\r\n");
    expect(rows.slice(1, 5)).toEqual([
      'summary,2,yos_known,invalid-format,"Y or N (also yes/no, true/false, 1/0, any case)",,2,',
      'row,2,yos_known,invalid-format,"Y or N (also yes/no, true/false, 1/0, any case)",x,,',
      'row,3,yos_known,invalid-format,"Y or N (also yes/no, true/false, 1/0, any case)",x,,',
      "",
    ]);
  });
});
