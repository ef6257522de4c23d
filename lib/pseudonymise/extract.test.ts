import fc from "fast-check";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { pseudonymiseExtract, type ExtractSummary } from "./extract";
import { MappingError, parseMapping, planMapping, type Mapping } from "./mapping";
import { openPseudonymiserDigest } from "./openpseudonymiser";

const mapping: Mapping = {
  format: "essex-pseudonymise-mapping/1",
  dataset: "social-care",
  keys: {
    person_key: [
      { heading: "surname", column: "Surname" },
      { heading: "forename", column: "First" },
      { heading: "date_of_birth", column: "DOB", transform: "date", date: "DD/MM/YYYY" },
    ],
    address_key: [
      { heading: "postcode", column: "PC", transform: "uppercase" },
      { heading: "address_line_1", column: "Addr" },
    ],
  },
  columns: {
    birth_month: { derive: "month", column: "DOB", date: "DD/MM/YYYY" },
    start_date: { column: "Start" },
    end_date: { column: "End" },
  },
};

async function run(csv: string, salt = "a long enough salt!", m: Mapping = mapping): Promise<{ out: string; summary: ExtractSummary }> {
  const parts: Uint8Array[] = [];
  const bytes = new TextEncoder().encode(csv);
  async function* chunks() {
    // Tiny chunks: every token boundary lands on a chunk boundary somewhere.
    for (let at = 0; at < bytes.length; at += 7) yield bytes.subarray(at, at + 7);
  }
  const summary = await pseudonymiseExtract(chunks(), { plan: planMapping(m), salt, onOutput: (b) => void parts.push(b) });
  return { out: Buffer.concat(parts).toString("utf8"), summary };
}

describe("pseudonymiseExtract", () => {
  it("writes the specification's header and the tool's digest for every row", async () => {
    const csv = 'First,Surname,DOB,Addr,PC,Start,End,Notes\r\nAmy,Smith,01/09/2010,"12 Alder Road, Vange",ss16 4ab,2015-02-03,,"x"\r\n';
    const { out, summary } = await run(csv);
    const [header, row] = out.split("\r\n");
    expect(header).toBe("person_key,address_key,birth_month,start_date,end_date");
    const salt = "a long enough salt!";
    expect(row).toBe(
      [
        openPseudonymiserDigest({ surname: "Smith", forename: "Amy", date_of_birth: "2010-09-01" }, { salt }),
        openPseudonymiserDigest({ postcode: "SS16 4AB", address_line_1: "12 Alder Road, Vange" }, { salt }),
        "2010-09",
        "2015-02-03",
        "",
      ].join(","),
    );
    expect(summary.droppedColumns).toEqual(["Notes"]);
    expect(summary.validation.invalidRows).toBe(0);
    expect(summary.keys[1]).toEqual({ column: "address_key", headings: ["address_line_1", "postcode"], columns: ["Addr", "PC"] });
  });

  it("agrees with the one-row digest on random values, however they are quoted and chunked", async () => {
    const value = fc.oneof(fc.string({ unit: "grapheme", maxLength: 10 }), fc.constantFrom("", " ", '"', ",", "a\nb", "\r\n", "Zoë"));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, value, value, value), { minLength: 1, maxLength: 15 }), async (rows) => {
        const body = rows.map((r) => Papa.unparse([["01/01/2000", ...r, "2015-01-01", ""]], { quotes: true, newline: "\n" }));
        const csv = `DOB,First,Surname,Addr,PC,Start,End\n${body.join("\n")}\n`;
        const { out, summary } = await run(csv, "s4lt");
        const written = out.split("\r\n").slice(1, -1);
        const expected = rows.flatMap(([first, surname, addr, pc]) => {
          const blank = (s: string) => s.replace(/[ \t\r\n]/g, "") === "";
          if (blank(addr) && blank(pc)) return [];
          const p = openPseudonymiserDigest({ forename: first, surname, date_of_birth: "2000-01-01" }, { salt: "s4lt" });
          const a = openPseudonymiserDigest({ address_line_1: addr, postcode: pc.toUpperCase() }, { salt: "s4lt" });
          return [`${p},${a},2000-01,2015-01-01,`];
        });
        expect(written).toEqual(expected);
        expect(summary.rowsWritten).toBe(expected.length);
      }),
      { numRuns: 60 },
    );
  });

  it("drops rows whose key identifiers are all blank, reports partly blank ones, and never hashes the salt alone", async () => {
    const csv = "First,Surname,DOB,Addr,PC,Start,End\nAmy,,01/09/2010, , ,2015-02-03,\n,Smith,,1 Road,SS1 1AA,2015-02-03,\n";
    const { out, summary } = await run(csv);
    expect(out.split("\r\n").slice(1, -1)).toHaveLength(1);
    expect(summary.dropped).toEqual([expect.objectContaining({ code: "blank-identifiers", column: "address_key", count: 1, firstLines: [2] })]);
    expect(summary.partlyBlank).toEqual([
      { key: "person_key", heading: "date_of_birth", column: "DOB", count: 1 },
      { key: "person_key", heading: "forename", column: "First", count: 1 },
    ]);
  });

  it("reports duplicates and the platform's own row rules on the output", async () => {
    const csv =
      "First,Surname,DOB,Addr,PC,Start,End\nA,B,01/01/2010,1 Road,X,2015-02-03,\nA,B,01/01/2010,1 Road,X,2015-02-03,\nC,D,01/01/2010,2 Road,X,2015-02-03,2015-01-01\n";
    const { summary } = await run(csv);
    expect(summary.duplicates.find((d) => d.columns[0] === "person_key")).toMatchObject({ count: 1, firstLines: [3] });
    expect(summary.validation.problems).toEqual([expect.objectContaining({ code: "end-before-start", column: "end_date", firstLines: [4] })]);
  });

  it("refuses with a clear message: not a CSV, another separator, a missing column, an empty salt", async () => {
    expect((await run("PK\u0003\u0004xx")).summary.refused?.message).toMatch(/not a CSV: it is a ZIP archive/);
    expect((await run("First;Surname\na;b\n")).summary.refused?.message).toMatch(/separated by ";", not commas/);
    expect((await run("First,Surname\na,b\n")).summary.refused?.message).toMatch(
      /Your file has no column "DOB", which the mapping uses for person_key/,
    );
    const empty = await run("First,Surname,DOB,Addr,PC,Start,End\na,b,01/01/2010,c,d,2015-01-01,\n", "");
    expect(empty.summary.refused?.message).toMatch(/Enter the salt/);
    expect(empty.out).toBe("");
  });

  it("names a mapping that leaves a key column unmade", () => {
    expect(() => planMapping({ ...mapping, keys: { person_key: mapping.keys.person_key! } })).toThrow(MappingError);
    expect(() => planMapping({ ...mapping, keys: { person_key: mapping.keys.person_key! } })).toThrow(/which of your columns make address_key/);
    expect(() => parseMapping("{")).toThrow(/not JSON/);
  });
});
