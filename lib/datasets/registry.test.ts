import { describe, expect, it } from "vitest";
import {
  DATASETS,
  DATASET_IDS,
  csvTemplate,
  describeAllDatasets,
  describeDataset,
  getDataset,
  isDatasetId,
  rowSchema,
  EXAMPLE_PERIOD,
} from "@/lib/datasets";
import Papa from "papaparse";

describe("registry", () => {
  it("holds exactly the seven datasets of the specification", () => {
    expect(Object.keys(DATASETS)).toEqual([
      "housing-benefits",
      "social-care",
      "school-readiness",
      "youth-offending",
      "drug-alcohol",
      "police-crime",
      "troubled-families",
    ]);
    expect(DATASET_IDS).toEqual(Object.keys(DATASETS));
    for (const id of DATASET_IDS) expect(DATASETS[id].id).toBe(id);
    expect(isDatasetId("police-crime")).toBe(true);
    expect(isDatasetId("police")).toBe(false);
  });

  it("has the column lists of the specification, in order", () => {
    const names = (id: (typeof DATASET_IDS)[number]) => getDataset(id).columns.map((c) => c.name);
    expect(names("housing-benefits")).toEqual([
      "address_key",
      "council_tax_band",
      "council_tax_reduction_pct",
      "council_tax_reduction_gbp",
      "housing_benefit_gbp",
      "tenure",
      "arrears_gbp",
      "social_housing",
      "child_benefit",
      "child_tax_credits",
      "lone_parent_premium",
      "incapacity_benefit",
      "long_term_family_premium",
      "employment_income_gross_weekly",
      "employment_income_net_weekly",
      "self_employment_income_gross_weekly",
      "self_employment_income_net_weekly",
      "earned_income_disregard_weekly",
      "childcare_disregard_weekly",
    ]);
    expect(names("social-care")).toEqual(["person_key", "address_key", "birth_month", "start_date", "end_date"]);
    expect(names("school-readiness")).toHaveLength(9 + 17 + 1);
    expect(names("youth-offending")).toEqual(["address_key", "yos_known", "offence_category", "offence_gravity"]);
    expect(names("drug-alcohol")).toEqual([
      "address_key",
      "in_treatment",
      "in_treatment_last_12m",
      "successful_completion_last_12m",
      "referral_source",
      "intervention_type",
    ]);
    expect(names("police-crime")).toHaveLength(18);
    expect(names("troubled-families")).toHaveLength(22);
  });

  it("names the suppliers as the specification does", () => {
    expect(DATASETS["housing-benefits"].supplier).toEqual({ kind: "borough-council", name: "Basildon Borough Council" });
    expect(DATASETS["police-crime"].supplier).toEqual({ kind: "police", name: "Essex Police" });
    for (const id of ["social-care", "school-readiness", "youth-offending", "drug-alcohol"] as const) {
      expect(DATASETS[id].supplier).toEqual({ kind: "county-council", name: "Essex County Council" });
    }
    expect(DATASETS["troubled-families"].supplier).toEqual({ kind: "local-authority", name: null });
  });

  it("has no duplicate column names, and columns shared between datasets mean the same thing", () => {
    const kinds = new Map<string, string>();
    for (const id of DATASET_IDS) {
      const names = getDataset(id).columns.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
      for (const c of getDataset(id).columns) {
        const seen = kinds.get(c.name);
        if (seen) expect(`${c.name}:${c.kind}`).toBe(`${c.name}:${seen}`);
        kinds.set(c.name, c.kind);
      }
    }
  });

  it("marks the optional columns of the specification", () => {
    const optional = (id: (typeof DATASET_IDS)[number]) =>
      getDataset(id)
        .columns.filter((c) => c.optional)
        .map((c) => c.name);
    expect(optional("social-care")).toEqual(["end_date"]);
    expect(optional("youth-offending")).toEqual(["offence_category", "offence_gravity"]);
    expect(optional("troubled-families")).toEqual(["absence_rate_before", "absence_rate_after"]);
    expect(optional("police-crime")).toEqual(["crime_group", "asb_risk_category", "dv_risk_category"]);
  });

  it("refers cross-field rules only to existing columns", () => {
    for (const id of DATASET_IDS) {
      const names = new Set(getDataset(id).columns.map((c) => c.name));
      for (const rule of getDataset(id).rules) {
        expect(names.has(rule.column)).toBe(true);
        for (const r of rule.reads) expect(names.has(r)).toBe(true);
      }
      for (const c of getDataset(id).unique?.columns ?? []) expect(names.has(c)).toBe(true);
    }
  });
});

describe("specification description and templates", () => {
  it("is JSON-serialisable and never loses information on the way", () => {
    const all = describeAllDatasets();
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
    const sd = describeDataset("school-readiness").columns.find((c) => c.name === "school_district")!;
    expect(sd.pattern).toBe("^[A-Z0-9-]{1,20}$");
    expect(describeDataset("housing-benefits").columns[0]).toMatchObject({ name: "address_key", key: true, sqlType: "text" });
    expect(describeDataset("troubled-families").needsPeriod).toBe(true);
    expect(describeDataset("housing-benefits").templateFileName).toBe("housing-benefits-template-v2.csv");
  });

  it.each(DATASET_IDS)("template of %s has the header, and its example row is valid", (id) => {
    const header = csvTemplate(id);
    expect(header).toBe(
      getDataset(id)
        .columns.map((c) => c.name)
        .join(",") + "\r\n",
    );
    const parsed = Papa.parse<Record<string, string>>(csvTemplate(id, { example: true }), {
      header: true,
      skipEmptyLines: true,
      delimiter: ",",
    });
    expect(parsed.data).toHaveLength(1);
    const result = rowSchema(id, { period: EXAMPLE_PERIOD }).safeParse(parsed.data[0]);
    expect(result.error?.issues ?? []).toEqual([]);
  });

  it("each column's example is valid on its own", () => {
    for (const spec of describeAllDatasets()) {
      for (const c of spec.columns) {
        expect(c.example, `${spec.id}.${c.name}`).not.toBe("");
      }
    }
  });
});
