import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDataset, fileSchema, getDataset } from "@/lib/datasets";
import { generateDemoData, type DemoResult } from "@/lib/demo";
import { ADULT_FORENAMES, BOY_FORENAMES, DEMO_SALT, GIRL_FORENAMES, STREET_WORDS, SURNAMES } from "@/lib/demo/identities";
import { isEmptyIdentifierDigest } from "@/lib/pseudonymise";

type Row = Record<string, string>;

// Transcribed from the partners' data specification (version 1), independently of lib/demo/columns.ts.
const SPEC_HEADERS: Record<string, string> = {
  "housing-benefits":
    "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp," +
    "social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium," +
    "employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly," +
    "self_employment_income_net_weekly,earned_income_disregard_weekly,childcare_disregard_weekly",
  "social-care": "person_key,address_key,birth_month,start_date,end_date",
  "school-readiness":
    "person_key,address_key,assessment_year,school_district,school_urn,gender,birth_month,ethnicity,fsm," +
    "elg01_listening_attention,elg02_understanding,elg03_speaking,elg04_moving_handling,elg05_health_self_care," +
    "elg06_self_confidence,elg07_managing_feelings,elg08_making_relationships,elg09_reading,elg10_writing," +
    "elg11_numbers,elg12_shape_space_measures,elg13_people_communities,elg14_the_world,elg15_technology," +
    "elg16_media_materials,elg17_being_imaginative,school_ready",
  "youth-offending": "address_key,yos_known,offence_category,offence_gravity",
  "drug-alcohol": "address_key,in_treatment,in_treatment_last_12m,successful_completion_last_12m,referral_source,intervention_type",
  "police-crime":
    "address_key,offender_address,present_at_household,repeat_offender,asb_address,incident_at_address,crime_group," +
    "asb_drug_related,asb_alcohol_related,asb_child_present,asb_repeat,asb_risk_category,dv_victim_address," +
    "dv_drug_related,dv_alcohol_related,dv_child_present,dv_repeat_victim,dv_risk_category",
  "troubled-families":
    "family_key,person_key,batch_period,group,attached_date,age_band,crit_crime_asb,crit_education,crit_children_in_need," +
    "crit_worklessness,crit_domestic_abuse,crit_health,offences_before,offences_after,asb_incidents_before," +
    "asb_incidents_after,dv_incidents_before,dv_incidents_after,absence_rate_before,absence_rate_after," +
    "out_of_work_benefits_before,out_of_work_benefits_after",
};

const KEY = /^[0-9A-F]{64}$/;
const FLAG = /^[YN]$/;
const MONEY = /^\d+(\.\d{1,2})?$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ELG = new Set(["1", "2", "3", "A"]);
const ETHNICITIES = new Set("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT".split(" "));
const TF_PERIOD = "2016-H1";

let root = "";
let main: DemoResult;
let again: DemoResult;
let otherSeed: DemoResult;
let quirky: DemoResult;

function read(file: string): string {
  return readFileSync(file, "utf8");
}

function parse(file: string, normaliseHeaders = false): Row[] {
  const text = read(file).replace(/^\uFEFF/, "");
  const result = Papa.parse<Row>(text, {
    header: true,
    skipEmptyLines: true,
    transformHeader: normaliseHeaders ? (h) => h.trim().toLowerCase() : undefined,
  });
  expect(result.errors).toEqual([]);
  return result.data;
}

function fileOf(result: DemoResult, datasetId: string): string {
  const f = result.files.find((x) => x.datasetId === datasetId);
  if (!f) throw new Error(`no ${datasetId} file`);
  return f.path;
}

function rowsOf(datasetId: string, result: DemoResult = main): Row[] {
  return parse(fileOf(result, datasetId));
}

/** GLD computed here from the ELGs, independently of the generator. */
function expectedSchoolReady(r: Row): string {
  const gld = Object.keys(r)
    .filter((c) => /^elg(0\d|1[0-2])_/.test(c))
    .map((c) => r[c]);
  if (gld.length !== 12) throw new Error("expected 12 GLD columns");
  if (gld.includes("A")) return "";
  return gld.every((s) => s === "2" || s === "3") ? "Y" : "N";
}

function gldRate(rows: Row[]): number {
  const assessed = rows.filter((r) => r.school_ready !== "");
  return assessed.filter((r) => r.school_ready === "Y").length / assessed.length;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "demo-test-"));
  main = await generateDemoData({ outDir: path.join(root, "a"), troubledFamiliesPeriod: TF_PERIOD });
  again = await generateDemoData({ outDir: path.join(root, "b"), troubledFamiliesPeriod: TF_PERIOD });
  otherSeed = await generateDemoData({ outDir: path.join(root, "c"), seed: 7, troubledFamiliesPeriod: TF_PERIOD });
  quirky = await generateDemoData({ outDir: path.join(root, "q"), quirks: true, troubledFamiliesPeriod: TF_PERIOD });
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe("determinism", () => {
  it("writes byte-identical files for the same seed", () => {
    const names = readdirSync(path.join(root, "a")).sort();
    expect(names).toEqual(readdirSync(path.join(root, "b")).sort());
    expect(names).toHaveLength(9);
    for (const name of names) {
      expect(read(path.join(root, "b", name)), name).toBe(read(path.join(root, "a", name)));
    }
    expect({ ...again.stats, elapsedMs: 0 }).toEqual({ ...main.stats, elapsedMs: 0 });
  });

  it("writes different data for a different seed", () => {
    for (const f of main.files) {
      expect(read(fileOf(otherSeed, f.datasetId)), f.datasetId).not.toBe(read(f.path));
    }
  });

  it("does not write quirks.csv unless asked", () => {
    expect(main.quirksPath).toBeNull();
    expect(existsSync(path.join(root, "a", "quirks.csv"))).toBe(false);
  });

  it("generates the default population well within 5 seconds", () => {
    expect(main.stats.elapsedMs).toBeLessThan(5_000);
  });
});

describe("file layout", () => {
  it("writes every dataset header exactly in the data-spec column order", () => {
    expect(main.files.map((f) => f.datasetId).sort()).toEqual(Object.keys(SPEC_HEADERS).sort());
    for (const f of main.files) {
      const firstLine = read(f.path).split("\r\n", 1)[0];
      expect(firstLine, f.datasetId).toBe(SPEC_HEADERS[f.datasetId]);
    }
  });

  it("reports the data-row count of every file", () => {
    for (const f of main.files) expect(rowsOf(f.datasetId)).toHaveLength(f.rows);
  });

  it("writes the ground truth and output-area lookups", () => {
    expect(read(main.groundTruthPath).split("\r\n", 1)[0]).toBe(
      "person_key,address_key,assessment_year,in_housing_benefits,in_social_care_person,in_social_care_address," +
        "in_youth_offending,in_drug_alcohol,in_police_crime,in_troubled_families",
    );
    expect(read(main.outputAreasPath).split("\r\n", 1)[0]).toBe("address_key,oa_code,ward_name");
  });
});

describe("row rules hold on every row", () => {
  it("housing-benefits", () => {
    const rows = rowsOf("housing-benefits");
    expect(new Set(rows.map((r) => r.address_key)).size).toBe(rows.length);
    const money = [
      "council_tax_reduction_gbp",
      "housing_benefit_gbp",
      "arrears_gbp",
      "employment_income_gross_weekly",
      "employment_income_net_weekly",
      "self_employment_income_gross_weekly",
      "self_employment_income_net_weekly",
      "earned_income_disregard_weekly",
      "childcare_disregard_weekly",
    ];
    const flags = ["social_housing", "child_benefit", "child_tax_credits", "lone_parent_premium", "incapacity_benefit", "long_term_family_premium"];
    for (const r of rows) {
      expect(r.address_key).toMatch(KEY);
      expect(r.council_tax_band).toMatch(/^[A-H]$/);
      expect(["owner_occupied", "private_rented", "social_rented", "shared_ownership", "temporary_accommodation", "other"]).toContain(r.tenure);
      for (const c of flags) expect(r[c]).toMatch(FLAG);
      for (const c of money) if (r[c] !== "") expect(r[c]).toMatch(MONEY);
      if (r.council_tax_reduction_pct !== "") {
        expect(Number(r.council_tax_reduction_pct)).toBeGreaterThanOrEqual(0);
        expect(Number(r.council_tax_reduction_pct)).toBeLessThanOrEqual(100);
      }
      for (const [gross, net] of [
        ["employment_income_gross_weekly", "employment_income_net_weekly"],
        ["self_employment_income_gross_weekly", "self_employment_income_net_weekly"],
      ] as const) {
        expect(r[gross] === "").toBe(r[net] === "");
        if (r[gross] !== "") expect(Number(r[net])).toBeLessThanOrEqual(Number(r[gross]));
      }
    }
  });

  it("social-care", () => {
    for (const r of rowsOf("social-care")) {
      expect(r.person_key).toMatch(KEY);
      expect(r.address_key).toMatch(KEY);
      expect(r.birth_month).toMatch(MONTH);
      expect(r.start_date).toMatch(DATE);
      expect((r.start_date ?? "") >= `${r.birth_month}-01`).toBe(true);
      if (r.end_date !== "") {
        expect(r.end_date).toMatch(DATE);
        expect((r.end_date ?? "") >= (r.start_date ?? "")).toBe(true);
      }
    }
  });

  it("school-readiness", () => {
    const rows = rowsOf("school-readiness");
    const perYear = new Set<string>();
    for (const r of rows) {
      expect(r.person_key).toMatch(KEY);
      expect(r.address_key).toMatch(KEY);
      expect(["2014", "2015", "2016"]).toContain(r.assessment_year);
      expect(r.school_district).toMatch(/^[A-Z0-9-]{1,20}$/);
      expect(r.school_urn).toMatch(/^\d{6}$/);
      expect(["F", "M"]).toContain(r.gender);
      expect(r.birth_month).toMatch(MONTH);
      // Born September (year - 6) to August (year - 5): the Reception cohort of that summer.
      const year = Number(r.assessment_year);
      const born = r.birth_month ?? "";
      expect(born >= `${year - 6}-09` && born <= `${year - 5}-08`).toBe(true);
      expect(ETHNICITIES.has(r.ethnicity ?? "")).toBe(true);
      expect(r.fsm).toMatch(FLAG);
      for (const c of Object.keys(r).filter((k) => k.startsWith("elg"))) expect(ELG.has(r[c] ?? "")).toBe(true);
      expect(r.school_ready).toBe(expectedSchoolReady(r));
      const key = `${r.assessment_year}|${r.person_key}`;
      expect(perYear.has(key)).toBe(false);
      perYear.add(key);
    }
    const absent = rows.filter((r) => Object.values(r).includes("A"));
    expect(absent.length).toBeGreaterThan(0);
    expect(absent.length).toBeLessThan(rows.length * 0.03);
    expect(rows.some((r) => r.school_ready === "")).toBe(true);
  });

  it("youth-offending, drug-alcohol and police-crime", () => {
    const categories = [
      "violence_against_person",
      "robbery",
      "theft",
      "burglary",
      "criminal_damage",
      "drugs",
      "public_order",
      "motoring",
      "sexual",
      "other",
    ];
    for (const r of rowsOf("youth-offending")) {
      expect(r.address_key).toMatch(KEY);
      expect(r.yos_known).toMatch(FLAG);
      if (r.offence_category !== "") expect(categories).toContain(r.offence_category);
      if (r.offence_gravity !== "") expect(Number(r.offence_gravity)).toSatisfy((g: number) => Number.isInteger(g) && g >= 1 && g <= 8);
    }
    for (const r of rowsOf("drug-alcohol")) {
      expect(r.address_key).toMatch(KEY);
      expect(["alcohol", "opiate", "non_opiate", "alcohol_and_non_opiate", "none"]).toContain(r.in_treatment);
      expect(r.in_treatment_last_12m).toMatch(FLAG);
      expect(r.successful_completion_last_12m).toMatch(FLAG);
      if (r.referral_source !== "") expect(["self", "gp", "criminal_justice", "social_care", "hospital", "other"]).toContain(r.referral_source);
      if (r.intervention_type !== "") expect(["pharmacological", "psychosocial", "recovery_support"]).toContain(r.intervention_type);
    }
    const groups = ["violence", "sexual", "robbery", "theft", "burglary", "vehicle", "criminal_damage", "drugs", "public_order", "weapons", "other"];
    const police = rowsOf("police-crime");
    for (const r of police) {
      expect(r.address_key).toMatch(KEY);
      for (const [c, v] of Object.entries(r)) {
        if (c !== "address_key" && c !== "crime_group" && !c.endsWith("risk_category")) expect(v, c).toMatch(FLAG);
      }
      if (r.crime_group !== "") expect(groups).toContain(r.crime_group);
      expect(r.asb_risk_category !== "").toBe(r.asb_address === "Y");
      expect(r.dv_risk_category !== "").toBe(r.dv_victim_address === "Y");
      for (const c of ["asb_risk_category", "dv_risk_category"]) if (r[c] !== "") expect(["standard", "medium", "high"]).toContain(r[c]);
    }
    expect(police.some((r) => r.asb_address === "Y")).toBe(true);
    expect(police.some((r) => r.dv_victim_address === "Y")).toBe(true);
  });

  it("troubled-families", () => {
    const rows = rowsOf("troubled-families");
    expect(rows.length).toBeGreaterThan(0);
    const counts = ["offences_before", "offences_after", "asb_incidents_before", "asb_incidents_after", "dv_incidents_before", "dv_incidents_after"];
    for (const r of rows) {
      expect(r.family_key).toMatch(KEY);
      expect(r.person_key).toMatch(KEY);
      expect(r.batch_period).toBe(TF_PERIOD);
      expect(["treatment", "comparison"]).toContain(r.group);
      expect(r.attached_date).toMatch(DATE);
      expect(["0-4", "5-10", "11-15", "16-17", "18-24", "25-49", "50+"]).toContain(r.age_band);
      for (const c of counts) expect(r[c]).toMatch(/^\d+$/);
      for (const c of ["absence_rate_before", "absence_rate_after"]) {
        if (r[c] !== "") expect(Number(r[c])).toSatisfy((x: number) => x >= 0 && x <= 100);
      }
      for (const c of Object.keys(r).filter((k) => k.startsWith("crit_") || k.startsWith("out_of_work"))) expect(r[c]).toMatch(FLAG);
    }
    expect(new Set(rows.map((r) => r.group))).toEqual(new Set(["treatment", "comparison"]));
  });
});

describe("validation through the dataset registry", () => {
  it("accepts every default file, including uniqueness rules", () => {
    for (const f of main.files) {
      const result = fileSchema(f.datasetId, { period: TF_PERIOD }).safeParse(parse(f.path));
      expect(result.success ? [] : result.error.issues.slice(0, 5), f.datasetId).toEqual([]);
    }
  });

  it("agrees with the quirks manifest in quirks mode: refused exactly where it says error", () => {
    const manifest = parse(quirky.quirksPath ?? "");
    expect(manifest.length).toBeGreaterThan(15);
    for (const f of quirky.files) {
      const def = getDataset(f.datasetId);
      const compiled = compileDataset(f.datasetId, { period: TF_PERIOD });
      const rows = parse(f.path, true);
      const quirksHere = manifest.filter((q) => q.dataset_id === f.datasetId && q.line !== "" && q.line !== "1");
      const byLine = new Map(quirksHere.map((q) => [Number(q.line), q]));
      const seen = new Map<string, number>();
      rows.forEach((row, index) => {
        const line = index + 2;
        const quirk = byLine.get(line);
        const result = compiled.validate(def.columns.map((c) => row[c.name] ?? ""));
        const unique = def.unique ? def.unique.columns.map((c) => (row[c] ?? "").toUpperCase()).join("|") : null;
        const duplicate = unique !== null && seen.has(unique);
        if (unique !== null && !duplicate) seen.set(unique, line);
        const refused = !result.ok || duplicate;
        expect(refused, `${f.datasetId} line ${line} ${quirk?.quirk ?? "(no quirk)"}`).toBe(quirk?.expected === "error");
        if (quirk?.quirk === "empty_identifier_digest") expect(isEmptyIdentifierDigest(row.address_key ?? "", DEMO_SALT)).toBe(true);
      });
    }
  });
});

describe("the population", () => {
  const childrenWithArea = () => {
    const ward = new Map(parse(main.outputAreasPath).map((r) => [r.address_key, r.ward_name]));
    return rowsOf("school-readiness").map((r) => ({ r, vange: ward.get(r.address_key ?? "") === "Vange" }));
  };

  it("has ~400 children per assessment year over three years", () => {
    const rows = rowsOf("school-readiness");
    for (const year of ["2014", "2015", "2016"]) expect(rows.filter((r) => r.assessment_year === year)).toHaveLength(400);
  });

  it("has a GLD rate of 65-75% outside Vange and a lower one in Vange, as the stats report", () => {
    const children = childrenWithArea();
    const vange = gldRate(children.filter((c) => c.vange).map((c) => c.r));
    const rest = gldRate(children.filter((c) => !c.vange).map((c) => c.r));
    expect(rest).toBeGreaterThanOrEqual(0.65);
    expect(rest).toBeLessThanOrEqual(0.75);
    expect(vange).toBeLessThan(rest);
    expect(vange).toBeGreaterThan(0.55);
    expect(main.stats.gld.vange.rate).toBeCloseTo(vange, 10);
    expect(main.stats.gld.rest.rate).toBeCloseTo(rest, 10);
  });

  it("links children to risk factors in the direction the pilot found", () => {
    const hb = new Map(rowsOf("housing-benefits").map((r) => [r.address_key, r]));
    const police = new Set(rowsOf("police-crime").map((r) => r.address_key));
    const drugs = new Set(rowsOf("drug-alcohol").map((r) => r.address_key));
    const yos = new Set(
      rowsOf("youth-offending")
        .filter((r) => r.yos_known === "Y")
        .map((r) => r.address_key),
    );
    const care = new Set(rowsOf("social-care").map((r) => r.person_key));
    const children = rowsOf("school-readiness");
    const claimant = (r: Row) => {
      const h = hb.get(r.address_key ?? "");
      return h !== undefined && (h.housing_benefit_gbp !== "" || h.council_tax_reduction_pct !== "" || h.council_tax_reduction_gbp !== "");
    };
    const riskCount = (r: Row) => {
      const h = hb.get(r.address_key ?? "");
      return [
        claimant(r),
        h?.social_housing === "Y",
        (h?.arrears_gbp ?? "") !== "",
        police.has(r.address_key ?? ""),
        drugs.has(r.address_key ?? ""),
        yos.has(r.address_key ?? ""),
        care.has(r.person_key ?? ""),
      ].filter(Boolean).length;
    };
    const none = children.filter((r) => riskCount(r) === 0);
    const several = children.filter((r) => riskCount(r) >= 2);
    expect(none.length).toBeGreaterThan(100);
    expect(several.length).toBeGreaterThan(100);
    expect(gldRate(several)).toBeLessThan(gldRate(none) - 0.15);

    for (const [name, inSet] of [
      ["police", (r: Row) => police.has(r.address_key ?? "")],
      ["drugs", (r: Row) => drugs.has(r.address_key ?? "")],
      ["social care", (r: Row) => care.has(r.person_key ?? "")],
      ["benefits", claimant],
    ] as const) {
      expect(gldRate(children.filter(inSet)), name).toBeLessThan(gldRate(children.filter((r) => !inSet(r))));
    }

    const fsmRate = (rows: Row[]) => rows.filter((r) => r.fsm === "Y").length / rows.length;
    expect(fsmRate(children.filter(claimant))).toBeGreaterThan(fsmRate(children.filter((r) => !claimant(r))) + 0.3);
    expect(gldRate(children.filter((r) => r.fsm === "Y"))).toBeLessThan(gldRate(children.filter((r) => r.fsm === "N")));

    const month = (r: Row) => Number((r.birth_month ?? "").slice(5));
    const summer = children.filter((r) => [6, 7, 8].includes(month(r)));
    const autumn = children.filter((r) => [9, 10, 11].includes(month(r)));
    expect(gldRate(summer)).toBeLessThan(gldRate(autumn));
    expect(gldRate(children.filter((r) => r.gender === "F"))).toBeGreaterThan(gldRate(children.filter((r) => r.gender === "M")));
  });

  it("only partly overlaps between datasets", () => {
    const children = rowsOf("school-readiness");
    const hb = new Set(rowsOf("housing-benefits").map((r) => r.address_key));
    const matched = children.filter((r) => hb.has(r.address_key)).length / children.length;
    expect(matched).toBeGreaterThanOrEqual(0.2);
    expect(matched).toBeLessThanOrEqual(0.6);
    const households = parse(main.outputAreasPath).length;
    expect(rowsOf("housing-benefits").length).toBeLessThan(households * 0.7);
    expect(rowsOf("police-crime").length).toBeLessThan(households * 0.25);
    const cohortKeys = new Set(children.map((r) => r.person_key));
    const care = rowsOf("social-care");
    expect(care.some((r) => !cohortKeys.has(r.person_key))).toBe(true);
    expect(care.some((r) => cohortKeys.has(r.person_key))).toBe(true);
  });
});

describe("ground truth and geography", () => {
  it("has one ground-truth row per child, consistent with the files", () => {
    const truth = parse(main.groundTruthPath);
    const children = rowsOf("school-readiness");
    expect(truth).toHaveLength(children.length);
    const hb = new Set(rowsOf("housing-benefits").map((r) => r.address_key));
    const careRows = rowsOf("social-care");
    const carePeople = new Set(careRows.map((r) => r.person_key));
    const careAddresses = new Set(careRows.map((r) => r.address_key));
    const yos = new Set(rowsOf("youth-offending").map((r) => r.address_key));
    const drugs = new Set(rowsOf("drug-alcohol").map((r) => r.address_key));
    const police = new Set(rowsOf("police-crime").map((r) => r.address_key));
    const tf = new Set(rowsOf("troubled-families").map((r) => r.person_key));
    const yn = (b: boolean) => (b ? "Y" : "N");
    children.forEach((c, i) => {
      const t = truth[i] as Row;
      expect([t.person_key, t.address_key, t.assessment_year]).toEqual([c.person_key, c.address_key, c.assessment_year]);
      const a = c.address_key ?? "";
      expect(t.in_housing_benefits).toBe(yn(hb.has(a)));
      expect(t.in_social_care_person).toBe(yn(carePeople.has(c.person_key ?? "")));
      expect(t.in_social_care_address).toBe(yn(careAddresses.has(a)));
      expect(t.in_youth_offending).toBe(yn(yos.has(a)));
      expect(t.in_drug_alcohol).toBe(yn(drugs.has(a)));
      expect(t.in_police_crime).toBe(yn(police.has(a)));
      expect(t.in_troubled_families).toBe(yn(tf.has(c.person_key ?? "")));
    });
    expect(truth.some((t) => t.in_social_care_person === "Y" && t.in_social_care_address === "N")).toBe(true);
  });

  it("maps every household address key to one output area, Vange and the rest", () => {
    const areas = parse(main.outputAreasPath);
    expect(new Set(areas.map((r) => r.address_key)).size).toBe(areas.length);
    expect(areas).toHaveLength(main.stats.households);
    for (const r of areas) expect(r.oa_code).toMatch(/^E00\d{6}$/);
    const vangeOas = new Set(areas.filter((r) => r.ward_name === "Vange").map((r) => r.oa_code));
    const restOas = new Set(areas.filter((r) => r.ward_name !== "Vange").map((r) => r.oa_code));
    expect(vangeOas.size).toBe(30);
    expect(restOas.size).toBeGreaterThanOrEqual(3);
    const known = new Set(areas.map((r) => r.address_key));
    for (const id of ["housing-benefits", "school-readiness", "youth-offending", "drug-alcohol", "police-crime"]) {
      for (const r of rowsOf(id)) expect(known.has(r.address_key ?? ""), id).toBe(true);
    }
  });
});

describe("no clear identifiers", () => {
  const names = [...new Set([...GIRL_FORENAMES, ...BOY_FORENAMES, ...ADULT_FORENAMES, ...SURNAMES, ...STREET_WORDS])];
  const nameWord = new RegExp(`\\b(${names.join("|")})\\b`);
  const postcode = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
  const uprn = /\b\d{12}\b/;

  it("writes no name, street, postcode or UPRN in any file of any mode", () => {
    for (const dir of ["a", "c", "q"]) {
      for (const name of readdirSync(path.join(root, dir))) {
        const text = read(path.join(root, dir, name));
        expect(text.match(nameWord)?.[0], `${dir}/${name}`).toBeUndefined();
        expect(text.match(postcode)?.[0], `${dir}/${name}`).toBeUndefined();
        expect(text.match(uprn)?.[0], `${dir}/${name}`).toBeUndefined();
        expect(text, `${dir}/${name}`).not.toMatch(/date_of_birth|forename|surname|postcode/i);
      }
    }
  });

  it("writes no full date in a column that is meant to hold a month", () => {
    for (const id of ["social-care", "school-readiness"]) {
      for (const r of rowsOf(id)) expect(r.birth_month).toMatch(MONTH);
    }
  });
});

describe("options", () => {
  it("refuses a malformed Troubled Families period and impossible cohort sizes", async () => {
    await expect(generateDemoData({ outDir: path.join(root, "x"), troubledFamiliesPeriod: "2016-Q1" })).rejects.toThrow(/2016-H1/);
    await expect(generateDemoData({ outDir: path.join(root, "x"), households: 100, childrenPerYear: 400 })).rejects.toThrow(/family households/);
  });

  it("scales the partner files with the number of households, keeping address keys unique", async () => {
    const big = await generateDemoData({ outDir: path.join(root, "big"), households: 40_000, childrenPerYear: 50, years: [2016] });
    const hb = rowsOf("housing-benefits", big);
    expect(hb.length).toBeGreaterThan(15_000);
    expect(new Set(hb.map((r) => r.address_key)).size).toBe(hb.length);
    expect(big.stats.outputAreas.vange).toBe(30);
    expect(big.stats.outputAreas.rest).toBeGreaterThan(200);
    expect(rowsOf("school-readiness", big)).toHaveLength(50);
  });
});
