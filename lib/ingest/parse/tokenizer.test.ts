import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CsvTokenizer, type TokenizerFatal } from "@/lib/ingest/parse/tokenizer";

interface Rec {
  fields: string[];
  line: number;
  quoteProblem: number;
}

function tokenize(chunks: string[], maxFieldLength = 10_000): { records: Rec[]; fatal: TokenizerFatal | null; lines: number } {
  const records: Rec[] = [];
  const tokenizer = new CsvTokenizer(
    {
      record(fields, count, line, quoteProblem) {
        records.push({ fields: fields.slice(0, count), line, quoteProblem });
      },
    },
    { maxFieldLength },
  );
  for (const c of chunks) tokenizer.feed(c);
  tokenizer.end();
  return { records, fatal: tokenizer.fatal, lines: tokenizer.line };
}

function splitAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(text.slice(prev, p));
    prev = p;
  }
  out.push(text.slice(prev));
  return out;
}

function quoteField(f: string, force: boolean): string {
  return force || /[",\r\n]/.test(f) || f === "" ? `"${f.replaceAll('"', '""')}"` : f;
}

/** Physical line breaks in `text`: CRLF, lone CR and lone LF each count once. */
function lineBreaks(text: string): number {
  return (text.match(/\r\n|\r|\n/g) ?? []).length;
}

describe("CsvTokenizer", () => {
  it("splits simple records", () => {
    const { records } = tokenize(["a,b,c\n1,2,3\n"]);
    expect(records).toEqual([
      { fields: ["a", "b", "c"], line: 1, quoteProblem: -1 },
      { fields: ["1", "2", "3"], line: 2, quoteProblem: -1 },
    ]);
  });

  it("handles CRLF, lone CR, missing final newline and empty last field", () => {
    expect(tokenize(["a,b\r\n1,2\r\n"]).records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(tokenize(["a,b\r1,2"]).records.map((r) => [r.fields, r.line])).toEqual([
      [["a", "b"], 1],
      [["1", "2"], 2],
    ]);
    expect(tokenize(["a,b\n1,"]).records.map((r) => r.fields)).toEqual([
      ["a", "b"],
      ["1", ""],
    ]);
  });

  it("counts physical lines across quoted newlines", () => {
    const { records } = tokenize(['h1,h2\n"multi\nline\r\nvalue",x\nnext,y\n']);
    expect(records.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(records[1]!.fields[0]).toBe("multi\nline\r\nvalue");
  });

  it("skips blank lines but still counts them", () => {
    const { records } = tokenize(["a,b\n\n\r\n1,2\n\n"]);
    expect(records.map((r) => [r.fields, r.line])).toEqual([
      [["a", "b"], 1],
      [["1", "2"], 4],
    ]);
  });

  it('keeps a single quoted empty field ("") as a record', () => {
    expect(tokenize(['a\n""\n']).records.map((r) => r.fields)).toEqual([["a"], [""]]);
  });

  it("unescapes doubled quotes, also across chunk boundaries", () => {
    const text = 'a,"say ""hi""",b\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const { records } = tokenize([text.slice(0, cut), text.slice(cut)]);
      expect(records[0]!.fields, `cut ${cut}`).toEqual(["a", 'say "hi"', "b"]);
    }
  });

  it("handles CRLF split across chunks without counting two lines", () => {
    const text = "a,b\r\nc,d\r\n";
    for (let cut = 0; cut <= text.length; cut++) {
      const { records } = tokenize([text.slice(0, cut), text.slice(cut)]);
      expect(
        records.map((r) => [r.fields, r.line]),
        `cut ${cut}`,
      ).toEqual([
        [["a", "b"], 1],
        [["c", "d"], 2],
      ]);
    }
  });

  it("flags a quote inside an unquoted field, and text after a closing quote", () => {
    expect(tokenize(['a,b"c,d\n']).records[0]).toEqual({ fields: ["a", 'b"c', "d"], line: 1, quoteProblem: 1 });
    expect(tokenize(['a,"bc"d,e\n']).records[0]).toEqual({ fields: ["a", 'bc"d', "e"], line: 1, quoteProblem: 1 });
  });

  it("reports an unbalanced quote at the line where it opened", () => {
    const { records, fatal } = tokenize(['a,b\n1,2\n3,"open\n4,5\n6,7\n']);
    expect(records).toHaveLength(2);
    expect(fatal).toEqual({ code: "unbalanced-quote", line: 3 });
  });

  it("caps field length without buffering the field", () => {
    const big = "x".repeat(50_000);
    const chunks = ["a,b\n1,", ...big.match(/.{1,1000}/g)!, ",2\n"];
    expect(tokenize(chunks, 10_000).fatal).toEqual({ code: "field-too-long", line: 2 });
    expect(tokenize(["a,b\n1," + big + "\n"], 10_000).fatal).toEqual({ code: "field-too-long", line: 2 });
  });

  it("tells an overlong quoted field from a quote that never closes", () => {
    const big = "y".repeat(30_000);
    const closed = ['a,b\n1,"', ...big.match(/.{1,700}/g)!, '"\n2,3\n'];
    expect(tokenize(closed, 10_000).fatal).toEqual({ code: "field-too-long", line: 2 });
    const open = ['a,b\n\n1,"', ...big.match(/.{1,700}/g)!, "\n2,3\n"];
    expect(tokenize(open, 10_000).fatal).toEqual({ code: "unbalanced-quote", line: 3 });
  });

  it("refuses control characters", () => {
    expect(tokenize(["a,b\n1,\u0000\n"]).fatal).toEqual({ code: "control-character", line: 2, charCode: 0 });
    expect(tokenize(['a,b\n1,"x\u0007"\n']).fatal).toEqual({ code: "control-character", line: 2, charCode: 7 });
    expect(tokenize(["a\tb,c\n"]).fatal).toBeNull();
  });

  it("stops at the hard field limit (used for the header)", () => {
    const records: number[] = [];
    const t = new CsvTokenizer({ record: (_f, count) => records.push(count) }, { maxFieldLength: 100 });
    t.fieldHardLimit = 100;
    t.fieldLimit = 101;
    t.feed(Array.from({ length: 5000 }, (_, i) => `c${i}`).join(",") + "\n");
    expect(t.fatal).toEqual({ code: "too-many-fields", line: 1 });
    expect(records).toEqual([]);
  });

  it("stores at most fieldLimit fields but counts them all", () => {
    const seen: [number, number][] = [];
    const t = new CsvTokenizer({ record: (f, count) => seen.push([count, f.length]) }, { maxFieldLength: 100 });
    t.fieldLimit = 3;
    t.feed("a,b,c,d,e,f\n");
    t.end();
    expect(seen).toEqual([[6, 3]]);
  });

  it("agrees with the RFC 4180 serialisation for any table and any chunking (property)", () => {
    const field = fc.string({ unit: fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "é", "😀", "\t", "x"), maxLength: 6 });
    const table = fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        table,
        fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
        fc.constantFrom("\n", "\r\n", "\r"),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (rows, forceQuotes, eol, finalEol, cuts) => {
          let text = "";
          const starts: number[] = [];
          rows.forEach((row, r) => {
            starts.push(text.length);
            text += row.map((f, c) => quoteField(f, forceQuotes[(r * 4 + c) % 30]!)).join(",");
            if (r < rows.length - 1 || finalEol) text += eol;
          });
          const { records, fatal } = tokenize(splitAt(text, cuts));
          expect(fatal).toBeNull();
          expect(records.map((r) => r.fields)).toEqual(rows);
          expect(records.map((r) => r.line)).toEqual(starts.map((s) => 1 + lineBreaks(text.slice(0, s))));
          expect(records.every((r) => r.quoteProblem === -1)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
