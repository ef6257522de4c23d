import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  DATASET_IDS,
  compileDataset,
  copyRowWriter,
  CopyTextWriter,
  getDataset,
  rowSchema,
  sqlColumnDefinitions,
  sqlColumns,
  sqlTableName,
  type DatasetId,
} from "@/lib/datasets";
import { rawRow } from "@/lib/datasets/testing/arbitraries";
import { copyFromStdinSql, copyLine, escapeCopyText } from "@/lib/datasets/testing/copy-line";
import { sampleRowCells } from "@/lib/datasets/testing/generate";

function row(id: DatasetId, i = 0) {
  const cells = sampleRowCells(id, i);
  const raw = Object.fromEntries(getDataset(id).columns.map((c, j) => [c.name, cells[j]!]));
  return rowSchema(id, { period: "2016-H1" }).parse(raw);
}

describe("SQL column descriptions", () => {
  it("names tables ds_<id with _>", () => {
    expect(DATASET_IDS.map(sqlTableName)).toEqual([
      "ds_housing_benefits",
      "ds_social_care",
      "ds_school_readiness",
      "ds_youth_offending",
      "ds_drug_alcohol",
      "ds_police_crime",
      "ds_troubled_families",
    ]);
  });

  it("lists columns in specification order with PostgreSQL types", () => {
    for (const id of DATASET_IDS) {
      expect(sqlColumns(id).map((c) => c.name)).toEqual(getDataset(id).columns.map((c) => c.name));
    }
    const housing = Object.fromEntries(sqlColumns("housing-benefits").map((c) => [c.name, `${c.type}${c.nullable ? "?" : ""}`]));
    expect(housing).toMatchObject({
      address_key: "text",
      council_tax_band: "text",
      council_tax_reduction_pct: "numeric(7,4)?",
      housing_benefit_gbp: "numeric(12,2)?",
      social_housing: "boolean",
    });
    const school = Object.fromEntries(sqlColumns("school-readiness").map((c) => [c.name, `${c.type}${c.nullable ? "?" : ""}`]));
    expect(school).toMatchObject({
      assessment_year: "smallint",
      birth_month: "date",
      school_urn: "text",
      elg01_listening_attention: "smallint?",
      school_ready: "boolean?",
    });
    const tf = Object.fromEntries(sqlColumns("troubled-families").map((c) => [c.name, c.type]));
    expect(tf).toMatchObject({ attached_date: "date", offences_before: "integer", absence_rate_after: "numeric(7,4)" });
    expect(sqlColumns("youth-offending").find((c) => c.name === "offence_gravity")!.type).toBe("smallint");
  });

  it("quotes identifiers, because troubled-families has a column called group", () => {
    expect(sqlColumns("troubled-families").find((c) => c.name === "group")!.quotedName).toBe('"group"');
    expect(sqlColumnDefinitions("social-care")).toBe(
      '"person_key" text NOT NULL,\n  "address_key" text NOT NULL,\n  "birth_month" date NOT NULL,\n  "start_date" date NOT NULL,\n  "end_date" date',
    );
    expect(copyFromStdinSql("youth-offending")).toBe(
      'COPY "ds_youth_offending" ("address_key", "yos_known", "offence_category", "offence_gravity") FROM STDIN (FORMAT text)',
    );
  });
});

describe("COPY text format", () => {
  it("escapes backslash, tab, newline and carriage return", () => {
    expect(escapeCopyText("a\\b\tc\nd\re")).toBe("a\\\\b\\tc\\nd\\re");
    expect(escapeCopyText("plain")).toBe("plain");
    expect(escapeCopyText("\\.")).toBe("\\\\.");
  });

  it("formats a row: tab separated, \\N for null, t/f, months as first day", () => {
    const line = copyLine("social-care", {
      person_key: "a".repeat(64),
      address_key: "b".repeat(64),
      birth_month: "2011-03",
      start_date: "2016-01-04",
      end_date: null,
    });
    expect(line).toBe(`${"a".repeat(64)}\t${"b".repeat(64)}\t2011-03-01\t2016-01-04\t\\N\n`);
  });

  it("writes booleans, money and absent ELG scores", () => {
    const r = row("school-readiness", 5);
    const line = copyLine("school-readiness", { ...r, fsm: true, elg01_listening_attention: null, school_ready: null });
    const fields = line.slice(0, -1).split("\t");
    expect(fields).toHaveLength(sqlColumns("school-readiness").length);
    expect(fields[8]).toBe("t");
    expect(fields[9]).toBe("\\N");
    expect(fields[26]).toBe("\\N");
    const h = copyLine("housing-benefits", { ...row("housing-benefits"), housing_benefit_gbp: 12.5, arrears_gbp: 0 });
    const hf = h.slice(0, -1).split("\t");
    expect(hf[4]).toBe("12.5");
    expect(hf[6]).toBe("0");
  });

  it("gives one field per column for every dataset", () => {
    for (const id of DATASET_IDS) {
      const line = copyLine(id, row(id, 3) as never);
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1).split("\t")).toHaveLength(sqlColumns(id).length);
    }
  });

  it("escapes hostile text if such a value ever reaches it", () => {
    const line = copyLine("drug-alcohol", {
      address_key: "x\ty",
      in_treatment: "none",
      in_treatment_last_12m: false,
      successful_completion_last_12m: true,
      referral_source: null,
      intervention_type: "a\\b\nc" as never,
    } as never);
    expect(line).toBe("x\\ty\tnone\tf\tt\t\\N\ta\\\\b\\nc\n");
  });
});

describe("COPY lines from accepted cells", () => {
  const numeric = new Set(["money", "number", "int", "year", "elg"]);

  it.each(DATASET_IDS)("%s: same values as copyLine of the normalised row (fuzzed)", (id) => {
    const compiled = compileDataset(id, { period: "2016-H1" });
    const write = copyRowWriter(id);
    const out = new CopyTextWriter(16);
    const fromCells = (cells: readonly string[], row: Readonly<Record<string, unknown>>) => {
      write(out, cells, row);
      return out.take().toString("utf8");
    };
    const kinds = compiled.columns.map((c) => c.kind);
    let checked = 0;
    fc.assert(
      fc.property(rawRow(id, 1000), (raw) => {
        const cells = compiled.columns.map((c) => raw[c.name]!);
        const result = compiled.validate(cells);
        if (!result.ok) return;
        checked++;
        const a = fromCells(cells, result.row).slice(0, -1).split("\t");
        const b = copyLine(id, result.row as never)
          .slice(0, -1)
          .split("\t");
        expect(a).toHaveLength(b.length);
        a.forEach((field, i) => {
          if (numeric.has(kinds[i]!) && field !== "\\N") expect(Number(field), compiled.columns[i]!.name).toBe(Number(b[i]));
          else expect(field, compiled.columns[i]!.name).toBe(b[i]);
        });
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(0);
  });

  it("keeps the partner's number notation and lowercases keys", () => {
    const compiled = compileDataset("youth-offending");
    const cells = ["A".repeat(64), "yes", "", "007"];
    const result = compiled.validate(cells);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const out = new CopyTextWriter();
    copyRowWriter("youth-offending")(out, cells, result.row);
    expect(out.take().toString("utf8")).toBe(`${"a".repeat(64)}\tt\t\\N\t007\n`);
  });
});
