import { describe, expect, it } from "vitest";
import { DATASET_IDS, columnSchema, fileSchema, getDataset, rowSchema, schemaIssues, type DatasetId, type RawRow } from "@/lib/datasets";
import { sampleRowCells } from "@/lib/datasets/testing/generate";

function raw(id: DatasetId, row = 0, period = "2016-H1"): Record<string, string> {
  const cells = sampleRowCells(id, row, { period });
  return Object.fromEntries(getDataset(id).columns.map((c, i) => [c.name, cells[i]!]));
}

function issues(id: DatasetId, row: RawRow, period = "2016-H1") {
  const result = rowSchema(id, { period }).safeParse(row);
  return result.success ? [] : schemaIssues(result.error);
}

function column(id: DatasetId, name: string) {
  const c = getDataset(id).columns.find((x) => x.name === name);
  if (!c) throw new Error(name);
  return columnSchema(c);
}

const HEX = "AbCdEf0123456789".repeat(4);

describe("cell schemas", () => {
  it("key: 64 hex in any case, normalised to lowercase", () => {
    const key = column("housing-benefits", "address_key");
    expect(key.parse(HEX)).toBe(HEX.toLowerCase());
    expect(key.safeParse(HEX.slice(1)).success).toBe(false);
    expect(key.safeParse(`${HEX.slice(1)}g`).success).toBe(false);
    expect(key.safeParse("").error?.issues[0]?.message).toBe("required");
  });

  it("flag: Y/N, yes/no, true/false, 1/0 in any case", () => {
    const flag = column("housing-benefits", "social_housing");
    for (const t of ["Y", "y", "yes", "YES", "True", "1"]) expect(flag.parse(t)).toBe(true);
    for (const f of ["N", "n", "no", "No", "FALSE", "0"]) expect(flag.parse(f)).toBe(false);
    for (const bad of ["on", "off", "2", "t", " Y"]) expect(flag.safeParse(bad).error?.issues[0]?.message).toBe("invalid-format");
  });

  it("money: pounds, at most 2 decimals, no symbol or separator, 0 or more", () => {
    const money = column("housing-benefits", "housing_benefit_gbp");
    expect(money.parse("0")).toBe(0);
    expect(money.parse("1234.5")).toBe(1234.5);
    expect(money.parse("1234.56")).toBe(1234.56);
    expect(money.parse("")).toBeNull();
    for (const bad of ["£5", "1,000", "1.234", "-1", "1.", ".5", "1e3"]) {
      expect(money.safeParse(bad).error?.issues[0]?.message, bad).toBe("invalid-format");
    }
    expect(money.safeParse("10000000000").error?.issues[0]?.message).toBe("out-of-range");
  });

  it("number 0–100 and integers with ranges", () => {
    const pct = column("housing-benefits", "council_tax_reduction_pct");
    expect(pct.parse("25.5")).toBe(25.5);
    expect(pct.parse("100")).toBe(100);
    expect(pct.safeParse("100.01").error?.issues[0]?.message).toBe("out-of-range");
    const gravity = column("youth-offending", "offence_gravity");
    expect(gravity.parse("8")).toBe(8);
    expect(gravity.parse("")).toBeNull();
    expect(gravity.safeParse("0").error?.issues[0]?.message).toBe("out-of-range");
    expect(gravity.safeParse("9").error?.issues[0]?.message).toBe("out-of-range");
    expect(gravity.safeParse("2.5").error?.issues[0]?.message).toBe("invalid-format");
    const count = column("troubled-families", "offences_before");
    expect(count.parse("0")).toBe(0);
    expect(count.safeParse("-1").error?.issues[0]?.message).toBe("invalid-format");
    expect(count.safeParse("").error?.issues[0]?.message).toBe("required");
  });

  it("date: a real calendar date YYYY-MM-DD", () => {
    const date = column("social-care", "start_date");
    expect(date.parse("2016-02-29")).toBe("2016-02-29");
    // The right shape but no such day: the partner is told it is not a real date, not "wrong format".
    for (const impossible of ["2015-02-29", "2016-13-01", "2016-04-31", "2016-02-30"]) {
      expect(date.safeParse(impossible).error?.issues[0]?.message, impossible).toBe("not-a-real-date");
    }
    for (const bad of ["01/02/2016", "2016-1-1"]) {
      expect(date.safeParse(bad).error?.issues[0]?.message, bad).toBe("invalid-format");
    }
    expect(date.safeParse("1899-12-31").error?.issues[0]?.message).toBe("out-of-range");
  });

  it("month: YYYY-MM, never a full date", () => {
    const month = column("social-care", "birth_month");
    expect(month.parse("2011-03")).toBe("2011-03");
    expect(month.safeParse("2011-03-15").error?.issues[0]?.message).toBe("invalid-format");
    expect(month.safeParse("2011-13").error?.issues[0]?.message).toBe("invalid-format");
  });

  it("enum values are exact", () => {
    const tenure = column("housing-benefits", "tenure");
    expect(tenure.parse("social_rented")).toBe("social_rented");
    expect(tenure.safeParse("Social_Rented").error?.issues[0]?.message).toBe("not-allowed-value");
  });

  it("school codes: district and URN", () => {
    const district = column("school-readiness", "school_district");
    expect(district.parse("VANGE-01")).toBe("VANGE-01");
    expect(district.safeParse("vange").success).toBe(false);
    expect(district.safeParse("A".repeat(21)).success).toBe(false);
    const urn = column("school-readiness", "school_urn");
    expect(urn.parse("115000")).toBe("115000");
    expect(urn.safeParse("11500").success).toBe(false);
  });

  it("ELG scores: 1, 2, 3 or A (absent, null)", () => {
    const elg = column("school-readiness", "elg09_reading");
    expect(elg.parse("1")).toBe(1);
    expect(elg.parse("3")).toBe(3);
    expect(elg.parse("A")).toBeNull();
    expect(elg.safeParse("a").error?.issues[0]?.message).toBe("not-allowed-value");
    expect(elg.safeParse("").error?.issues[0]?.message).toBe("required");
  });
});

describe("row schemas and cross-field rules", () => {
  it("accept the generated valid rows of every dataset", () => {
    for (const id of DATASET_IDS) {
      for (let i = 0; i < 200; i++) expect(issues(id, raw(id, i)), `${id} row ${i}`).toEqual([]);
    }
  });

  it("housing: net income must not exceed gross", () => {
    const row = { ...raw("housing-benefits"), employment_income_gross_weekly: "100", employment_income_net_weekly: "100.01" };
    expect(issues("housing-benefits", row)).toEqual([{ column: "employment_income_net_weekly", rule: "net-exceeds-gross" }]);
    const self = {
      ...raw("housing-benefits"),
      self_employment_income_gross_weekly: "10",
      self_employment_income_net_weekly: "20",
    };
    expect(issues("housing-benefits", self)).toEqual([{ column: "self_employment_income_net_weekly", rule: "net-exceeds-gross" }]);
    const onlyNet = { ...raw("housing-benefits"), employment_income_gross_weekly: "", employment_income_net_weekly: "20" };
    expect(issues("housing-benefits", onlyNet)).toEqual([]);
  });

  it("social care: end_date not before start_date", () => {
    const row = { ...raw("social-care"), start_date: "2016-05-01", end_date: "2016-04-30" };
    expect(issues("social-care", row)).toEqual([{ column: "end_date", rule: "end-before-start" }]);
    expect(issues("social-care", { ...row, end_date: "2016-05-01" })).toEqual([]);
    expect(issues("social-care", { ...row, end_date: "" })).toEqual([]);
  });

  it("school readiness: school_ready equals the GLD and is empty when a GLD goal is absent", () => {
    const base = raw("school-readiness");
    const all = (v: string) =>
      Object.fromEntries(
        getDataset("school-readiness")
          .columns.filter((c) => c.kind === "elg")
          .map((c) => [c.name, v]),
      );
    const ready = { ...base, ...all("2"), school_ready: "Y" };
    expect(issues("school-readiness", ready)).toEqual([]);
    expect(issues("school-readiness", { ...ready, school_ready: "N" })).toEqual([{ column: "school_ready", rule: "school-ready-mismatch" }]);
    expect(issues("school-readiness", { ...ready, school_ready: "" })).toEqual([{ column: "school_ready", rule: "school-ready-mismatch" }]);
    expect(issues("school-readiness", { ...ready, elg12_shape_space_measures: "1", school_ready: "N" })).toEqual([]);
    // ELG 13–17 do not count towards the GLD.
    expect(issues("school-readiness", { ...ready, elg17_being_imaginative: "1" })).toEqual([]);
    expect(issues("school-readiness", { ...ready, elg17_being_imaginative: "A" })).toEqual([]);
    const absent = { ...ready, elg03_speaking: "A" };
    expect(issues("school-readiness", absent)).toEqual([{ column: "school_ready", rule: "school-ready-not-allowed" }]);
    expect(issues("school-readiness", { ...absent, school_ready: "" })).toEqual([]);
  });

  it("police: risk categories are required exactly when their flag is Y", () => {
    const base = { ...raw("police-crime"), asb_address: "N", asb_risk_category: "", dv_victim_address: "N", dv_risk_category: "" };
    expect(issues("police-crime", base)).toEqual([]);
    expect(issues("police-crime", { ...base, asb_address: "Y" })).toEqual([{ column: "asb_risk_category", rule: "risk-category-required" }]);
    expect(issues("police-crime", { ...base, asb_risk_category: "high" })).toEqual([
      { column: "asb_risk_category", rule: "risk-category-not-allowed" },
    ]);
    expect(issues("police-crime", { ...base, dv_victim_address: "yes" })).toEqual([{ column: "dv_risk_category", rule: "risk-category-required" }]);
    expect(issues("police-crime", { ...base, dv_victim_address: "1", dv_risk_category: "standard" })).toEqual([]);
  });

  it("troubled families: batch_period must equal the batch uploaded", () => {
    const row = raw("troubled-families", 0, "2016-H1");
    expect(issues("troubled-families", row, "2016-H1")).toEqual([]);
    expect(issues("troubled-families", row, "2016-H2")).toEqual([{ column: "batch_period", rule: "batch-period-mismatch" }]);
    expect(() => rowSchema("troubled-families")).toThrow(/batch period/);
    expect(() => rowSchema("troubled-families", { period: "2016-H3" })).toThrow(/batch period/);
  });

  it("normalises the row", () => {
    const row = { ...raw("housing-benefits"), address_key: HEX, social_housing: "yes", arrears_gbp: "", housing_benefit_gbp: "12.50" };
    const parsed = rowSchema("housing-benefits").parse(row);
    expect(parsed.address_key).toBe(HEX.toLowerCase());
    expect(parsed.social_housing).toBe(true);
    expect(parsed.arrears_gbp).toBeNull();
    expect(parsed.housing_benefit_gbp).toBe(12.5);
  });

  it("refuses unknown and missing properties", () => {
    expect(issues("youth-offending", { ...raw("youth-offending"), postcode: "CM1 1AA" })).toEqual([{ column: "postcode", rule: "unknown-column" }]);
    const { yos_known: _, ...missing } = raw("youth-offending");
    expect(issues("youth-offending", missing)).toEqual([{ column: "yos_known", rule: "required" }]);
  });
});

describe("file schema", () => {
  it("housing: address_key unique", () => {
    const a = raw("housing-benefits", 1);
    const b = { ...raw("housing-benefits", 2), address_key: a.address_key!.toUpperCase() };
    const result = fileSchema("housing-benefits").safeParse([a, b]);
    expect(result.success).toBe(false);
    expect(schemaIssues(result.error!)).toEqual([{ column: "address_key", rule: "duplicate" }]);
  });

  it("school readiness: person_key unique per assessment_year", () => {
    const a: Record<string, string> = { ...raw("school-readiness", 1), assessment_year: "2016" };
    const sameChildNextYear = { ...raw("school-readiness", 2), person_key: a.person_key!, assessment_year: "2017" };
    expect(fileSchema("school-readiness").safeParse([a, sameChildNextYear]).success).toBe(true);
    const again = { ...sameChildNextYear, assessment_year: "2016" };
    expect(fileSchema("school-readiness").safeParse([a, again]).success).toBe(false);
  });

  it("other datasets allow repeated keys", () => {
    const a = raw("police-crime", 1);
    expect(fileSchema("police-crime").safeParse([a, a]).success).toBe(true);
  });
});
