import { describe, expect, it } from "vitest";
import fc from "fast-check";
import Papa from "papaparse";
import { csvCell, csvDocument, csvRow, csvStream, neutraliseFormula } from "@/lib/csv";

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(parts).toString("utf8");
}

describe("csvCell", () => {
  it("leaves plain text alone", () => {
    expect(csvCell("abc")).toBe("abc");
    expect(csvCell("")).toBe("");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes commas, quotes and line breaks (RFC 4180)", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("line1\nline2")).toBe('"line1\nline2"');
    expect(csvCell("a\rb")).toBe('"a\rb"');
  });

  it.each(["=", "+", "-", "@", "\t", "\r"])("neutralises a cell starting with %j", (c) => {
    const out = csvCell(`${c}SUM(A1:A9)`);
    const parsed = Papa.parse<string[]>(out, { header: false, delimiter: "," }).data[0]![0];
    expect(parsed).toBe(`'${c}SUM(A1:A9)`);
  });

  it("neutralises the classic injection payloads", () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell("@SUM(1+1)*cmd|' /C calc'!A0")).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(csvCell("+1")).toBe("'+1");
  });

  it("does not neutralise numbers, so negative numbers stay numeric", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(12.5)).toBe("12.5");
    expect(csvCell(true)).toBe("true");
    expect(() => csvCell(Number.NaN)).toThrow(RangeError);
  });

  it("only neutralises the first character", () => {
    expect(neutraliseFormula("a=b")).toBe("a=b");
    expect(neutraliseFormula("")).toBe("");
  });
});

describe("csvRow / csvDocument", () => {
  it("terminates records with CRLF", () => {
    expect(csvRow(["a", 1, null])).toBe("a,1,\r\n");
  });

  it("adds a BOM only when asked", () => {
    expect(csvDocument(["x"], [["1"]])).toBe("x\r\n1\r\n");
    expect(csvDocument(["x"], [["1"]], { bom: true })).toBe("\uFEFFx\r\n1\r\n");
  });

  it("round-trips through an RFC 4180 parser (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const width = rows[0]!.length;
        const table = rows.map((r) => r.slice(0, width).concat(Array(Math.max(0, width - r.length)).fill("")));
        const text = csvDocument(
          table[0]!.map((_, i) => `c${i}`),
          table,
        );
        const parsed = Papa.parse<string[]>(text, { delimiter: ",", newline: "\r\n", skipEmptyLines: false }).data;
        const body = parsed.slice(1, 1 + table.length);
        expect(body).toEqual(table.map((r) => r.map(neutraliseFormula)));
      }),
    );
  });
});

describe("csvStream", () => {
  it("streams header and rows from an async source", async () => {
    async function* rows() {
      yield ["1", "=cmd"];
      yield ["2", "x,y"];
    }
    const text = await readAll(csvStream(["n", "v"], rows(), { bom: true }));
    expect(text).toBe('\uFEFFn,v\r\n1,\'=cmd\r\n2,"x,y"\r\n');
  });

  it("refuses ragged rows rather than writing a misaligned file", async () => {
    await expect(readAll(csvStream(["a", "b"], [["1"]]))).rejects.toThrow(/1 cells/);
  });

  it("handles many rows without one push per row", async () => {
    const n = 50_000;
    function* rows() {
      for (let i = 0; i < n; i++) yield [String(i), "x"];
    }
    const text = await readAll(csvStream(["i", "x"], rows()));
    expect(text.split("\r\n").length).toBe(n + 2);
  });
});
