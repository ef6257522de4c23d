import "server-only";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createPseudonymiser } from "@/lib/pseudonymise";
import { DATASET_COLUMNS, ELG_COLUMNS, GROUND_TRUTH_COLUMNS, OUTPUT_AREAS_COLUMNS, QUIRKS_COLUMNS, type DatasetId, type Row } from "./columns";
import { getDataset } from "@/lib/datasets";
import { batchCsvFiles } from "@/lib/troubled-families/csv-rows";
import { generateTroubledFamilies } from "@/lib/troubled-families/generate";
import { CsvFile } from "./csv-file";
import { drawElgScores, goodLevelOfDevelopment } from "./eyfsp";
import { buildGeography, type Area, type Geography, type OutputArea } from "./geography";
import {
  ADULT_FORENAMES,
  DEMO_SALT,
  SURNAMES,
  addressKeyColumns,
  forenameFor,
  personKeyColumns,
  postcodeFor,
  streetFor,
  uprnFor,
  type AddressIdentity,
  type PersonIdentity,
} from "./identities";
import { drawEthnicity, drawHousehold, drawHouseholdCore, householdRisks, type Household, type Pence } from "./model";
import { QuirkInjector, fileQuirks, type QuirkRecord } from "./quirks";
import { Rng, logistic } from "./rng";
import { schoolsIn, SCHOOL_DISTRICTS } from "./schools";

export interface DemoOptions {
  outDir: string;
  seed?: number;
  /** Number of households; scales the partner files (tested up to 600,000). */
  households?: number;
  childrenPerYear?: number;
  /** Assessment years (the summer the Reception year ends). */
  years?: readonly number[];
  /** The demo key; a real partner's key never leaves the partner. */
  salt?: string;
  /** e.g. "2016-H1": also write a Troubled Families batch for that half-year. */
  troubledFamiliesPeriod?: string;
  /**
   * Also write the Troubled Families evaluation batches: two councils over four periods with
   * selection on observables and a planted effect (decision 093), one file per council and period.
   */
  troubledFamiliesEvaluation?: boolean;
  /** Inject deliberate data-quality problems and write quirks.csv describing them. */
  quirks?: boolean;
  /**
   * Also write the police extract as Essex Police holds it before pseudonymising: address line and
   * postcode instead of address_key (raw/police-crime.csv). Synthetic identities only; for testing the
   * pseudonymiser end to end (its digests must equal the generated file's keys).
   */
  rawPoliceExtract?: boolean;
}

export interface GeneratedFile {
  datasetId: DatasetId;
  path: string;
  rows: number;
}

export interface GldRate {
  children: number;
  /** Children with no 'A' in elg01-elg12, i.e. with a school_ready value. */
  assessed: number;
  ready: number;
  rate: number;
}

export interface DemoStats {
  seed: number;
  households: number;
  vangeHouseholds: number;
  restHouseholds: number;
  outputAreas: { vange: number; rest: number };
  children: number;
  childrenByYear: Record<string, number>;
  /** Children absent ('A') from at least one of elg01-elg12, so excluded from GLD. */
  excludedFromGld: number;
  gld: { vange: GldRate; rest: GldRate; overall: GldRate };
  /** Share of school-readiness children whose record links to each dataset (ground truth). */
  linkage: {
    housingBenefits: number;
    socialCarePerson: number;
    socialCareAddress: number;
    youthOffending: number;
    drugAlcohol: number;
    policeCrime: number;
    troubledFamilies: number;
  };
  elapsedMs: number;
}

export interface DemoResult {
  files: GeneratedFile[];
  groundTruthPath: string;
  outputAreasPath: string;
  quirksPath: string | null;
  stats: DemoStats;
}

export const DEMO_DEFAULTS = {
  seed: 2016,
  households: 4_000,
  childrenPerYear: 400,
  years: [2014, 2015, 2016] as readonly number[],
  salt: DEMO_SALT,
  outDir: ".data/demo",
} as const;

// Stream ids: each kind of draw has its own PRNG stream per entity (see rng.ts).
const STREAM = {
  core: 1,
  household: 2,
  identity: 3,
  cohort: 4,
  child: 5,
  socialCare: 6,
  members: 7,
  troubledFamilies: 8,
  quirks: 9,
} as const;

const DAY = 86_400_000;
const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / DAY;
const isoDate = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);
const isoMonth = (n: number) => isoDate(n).slice(0, 7);
const yn = (b: boolean) => (b ? "Y" : "N");
const opt = <T>(v: T | null, f: (v: T) => string) => (v === null ? "" : f(v));
const money = (p: Pence) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, "0")}`;

/** Development score of a cohort child; GLD follows from it via the ELG thresholds in eyfsp.ts. */
const DEVELOPMENT = {
  intercept: 1.64,
  deprivation: -0.42,
  socialCare: -0.5,
  domesticViolence: -0.35,
  drugAlcohol: -0.3,
  youthOffending: -0.25,
  arrears: -0.2,
  benefits: -0.15,
  socialHousing: -0.1,
  fsm: -0.25,
  female: 0.45,
  /** Per month younger than a September-born child: an August-born child is 11 months younger. */
  perMonthYounger: -0.055,
  noiseSd: 0.85,
} as const;

function parsePeriod(period: string): { start: number; label: string } {
  const m = /^(\d{4})-H([12])$/.exec(period);
  if (!m) throw new RangeError(`troubledFamiliesPeriod must look like 2016-H1, got ${period}`);
  return { start: day(Number(m[1]), m[2] === "1" ? 1 : 7, 1), label: period };
}

interface Person extends PersonIdentity {
  key: string;
  birthDay: number;
}

interface ChildOutcome {
  row: Row;
  truth: Row;
  area: Area;
  gld: boolean | null;
  year: number;
}

function ageAt(birthDay: number, onDay: number): number {
  const b = new Date(birthDay * DAY);
  const o = new Date(onDay * DAY);
  let age = o.getUTCFullYear() - b.getUTCFullYear();
  if (o.getUTCMonth() < b.getUTCMonth() || (o.getUTCMonth() === b.getUTCMonth() && o.getUTCDate() < b.getUTCDate())) age--;
  return age;
}

function ageBand(age: number): string {
  if (age <= 4) return "0-4";
  if (age <= 10) return "5-10";
  if (age <= 15) return "11-15";
  if (age <= 17) return "16-17";
  if (age <= 24) return "18-24";
  if (age <= 49) return "25-49";
  return "50+";
}

/** Social-care episodes between birth and the extract date: sequential, the last one possibly open. */
function drawEpisodes(rng: Rng, birthDay: number, extractDay: number): { start: number; end: number | null }[] {
  const episodes: { start: number; end: number | null }[] = [];
  const count = rng.weighted([
    [1, 75],
    [2, 20],
    [3, 5],
  ] as const);
  let earliest = birthDay;
  for (let n = 0; n < count && earliest < extractDay - 14; n++) {
    const start = earliest + Math.floor(rng.next() * Math.min(extractDay - 14 - earliest, 900));
    const last = n === count - 1;
    const end = start + rng.int(14, 600);
    if ((last && rng.chance(0.3)) || end >= extractDay) {
      episodes.push({ start, end: null });
      break;
    }
    episodes.push({ start, end });
    earliest = end + 14;
  }
  return episodes;
}

function emptyRate(): GldRate {
  return { children: 0, assessed: 0, ready: 0, rate: 0 };
}

export async function generateDemoData(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const households = options.households ?? DEMO_DEFAULTS.households;
  const childrenPerYear = options.childrenPerYear ?? DEMO_DEFAULTS.childrenPerYear;
  const years = [...(options.years ?? DEMO_DEFAULTS.years)].sort((a, b) => a - b);
  const salt = options.salt ?? DEMO_DEFAULTS.salt;
  const outDir = options.outDir;
  const tfPeriod = options.troubledFamiliesPeriod ? parsePeriod(options.troubledFamiliesPeriod) : null;
  if (!Number.isSafeInteger(seed)) throw new RangeError("seed must be an integer");
  if (!Number.isInteger(childrenPerYear) || childrenPerYear < 0) throw new RangeError("childrenPerYear must be a non-negative integer");
  if (years.length === 0 || years.some((y) => !Number.isInteger(y) || y < 2000 || y > 2100)) {
    throw new RangeError("years must be a non-empty list of assessment years");
  }
  if (new Set(years).size !== years.length) throw new RangeError("years must not repeat");

  const pseudonymise = createPseudonymiser({ salt });
  const geography = buildGeography(households);
  const lastYear = years[years.length - 1] as number;
  const extractDay = day(lastYear, 12, 31);

  // Pass 1: only what placing the cohort needs, in typed arrays (5 bytes a household).
  const deprivation = new Float32Array(households);
  const family = new Uint8Array(households);
  for (const oa of geography.outputAreas) {
    for (let i = oa.firstHousehold; i < oa.firstHousehold + oa.households; i++) {
      const core = drawHouseholdCore(Rng.for(seed, STREAM.core, i), oa);
      deprivation[i] = core.deprivation;
      family[i] = core.family ? 1 : 0;
    }
  }
  const cohortByHousehold = placeCohort(seed, years, childrenPerYear, deprivation, family);

  await mkdir(outDir, { recursive: true });
  const quirks = options.quirks ? new QuirkInjector(Rng.for(seed, STREAM.quirks), salt, tfPeriod?.label ?? null) : null;
  const fileLevelQuirks: QuirkRecord[] = [];
  const open = (datasetId: DatasetId, fileName: string) => {
    const columns = DATASET_COLUMNS[datasetId];
    if (!quirks) return new CsvFile(path.join(outDir, fileName), columns);
    const q = fileQuirks(datasetId, columns);
    fileLevelQuirks.push(...q.records);
    return new CsvFile(path.join(outDir, fileName), q.columns, q.options);
  };
  const datasetFiles = new Map<DatasetId, CsvFile>([
    ["housing-benefits", open("housing-benefits", "housing-benefits.csv")],
    ["social-care", open("social-care", "social-care.csv")],
    ["school-readiness", open("school-readiness", "school-readiness.csv")],
    ["youth-offending", open("youth-offending", "youth-offending.csv")],
    ["drug-alcohol", open("drug-alcohol", "drug-alcohol.csv")],
    ["police-crime", open("police-crime", "police-crime.csv")],
  ]);
  if (tfPeriod) datasetFiles.set("troubled-families", open("troubled-families", `troubled-families-${tfPeriod.label}.csv`));
  const outputAreasFile = new CsvFile(path.join(outDir, "output-areas.csv"), OUTPUT_AREAS_COLUMNS);
  const policeColumns = getDataset("police-crime").columns.map((c) => c.name);
  const rawPoliceColumns = ["address_line_1", "postcode", ...policeColumns.filter((c) => c !== "address_key")];
  let rawPoliceFile: CsvFile | null = null;
  if (options.rawPoliceExtract) {
    await mkdir(path.join(outDir, "raw"), { recursive: true });
    rawPoliceFile = new CsvFile(path.join(outDir, "raw", "police-crime.csv"), rawPoliceColumns);
  }
  const groundTruthFile = new CsvFile(path.join(outDir, "ground-truth.csv"), GROUND_TRUTH_COLUMNS);

  const emit = (datasetId: DatasetId, row: Row) => {
    const file = datasetFiles.get(datasetId);
    if (!file) throw new Error(`no file open for ${datasetId}`);
    if (quirks) quirks.process(datasetId, row, (r) => file.write(r));
    else file.write(row);
  };

  const personKeys = new Set<string>();
  /** Redraws the forename until the person's key is new, as real keys collide only for true twins. */
  const makePerson = (draw: () => PersonIdentity, birthDay: number): Person => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const identity = draw();
      const key = pseudonymise(personKeyColumns(identity));
      if (!personKeys.has(key)) {
        personKeys.add(key);
        return { ...identity, key, birthDay };
      }
    }
    throw new Error("could not draw a person with a unique key");
  };

  const children: ChildOutcome[] = [];

  // Pass 2: one household at a time; every file is fed from here.
  for (const oa of geography.outputAreas) {
    for (let i = oa.firstHousehold; i < oa.firstHousehold + oa.households; i++) {
      const core = { deprivation: deprivation[i] as number, family: family[i] === 1 };
      const h = drawHousehold(Rng.for(seed, STREAM.household, i), i, oa, core);
      const idRng = Rng.for(seed, STREAM.identity, i);
      const surname = idRng.pick(SURNAMES);
      const address = addressOf(oa, i);
      const addressKey = pseudonymise(addressKeyColumns(address));

      outputAreasFile.write({ address_key: addressKey, oa_code: oa.code, ward_name: oa.ward });
      if (h.inHousingBenefitsFile) emit("housing-benefits", housingBenefitsRow(addressKey, h));
      if (h.police) {
        const row = policeRow(addressKey, h);
        emit("police-crime", row);
        rawPoliceFile?.write({ ...row, address_line_1: address.address_line_1, postcode: address.postcode });
      }
      if (h.drugAlcohol) emit("drug-alcohol", drugAlcoholRow(addressKey, h));
      if (h.youthOffending) emit("youth-offending", youthOffendingRow(addressKey, h));

      const risks = householdRisks(h);
      const scRng = Rng.for(seed, STREAM.socialCare, i);
      let socialCareAtAddress = false;
      const personsInSocialCare = new Set<string>();
      const writeEpisodes = (person: Person, atAddress: string, rng: Rng) => {
        for (const e of drawEpisodes(rng, person.birthDay, extractDay)) {
          emit("social-care", {
            person_key: person.key,
            address_key: atAddress,
            birth_month: isoMonth(person.birthDay),
            start_date: isoDate(e.start),
            end_date: e.end === null ? "" : isoDate(e.end),
          });
        }
        personsInSocialCare.add(person.key);
        if (atAddress === addressKey) socialCareAtAddress = true;
      };

      // Other household members exist only where a service needs them (social care, Troubled Families).
      let members: { adults: Person[]; otherChildren: Person[] } | null = null;
      const getMembers = () => {
        members ??= drawMembers(Rng.for(seed, STREAM.members, i), h, surname, extractDay, makePerson);
        return members;
      };

      const cohort = (cohortByHousehold.get(i) ?? []).map((c) => {
        const rng = Rng.for(seed, STREAM.child, c.year, i, c.order);
        const gender: "F" | "M" = rng.chance(0.49) ? "F" : "M";
        const birthDay = day(c.year - 6, 9, 1) + rng.int(0, day(c.year - 5, 8, 31) - day(c.year - 6, 9, 1));
        const childSurname = rng.chance(0.85) ? surname : rng.pick(SURNAMES);
        const person = makePerson(
          () => ({
            forename: forenameFor(rng, gender),
            surname: childSurname,
            date_of_birth: isoDate(birthDay),
            gender,
          }),
          birthDay,
        );
        return { person, rng, year: c.year };
      });

      for (const { person, rng } of cohort) {
        const inSocialCare = rng.chance(
          logistic(-4.3 + 0.9 * h.deprivation + (risks.domesticViolence ? 1.1 : 0) + (risks.drugAlcohol ? 0.8 : 0) + (h.loneParent ? 0.4 : 0)),
        );
        if (inSocialCare) {
          // Some children were known to social care at a previous address, which the key cannot link.
          const previous = rng.chance(0.12) ? previousAddressKey(pseudonymise, i, rng) : addressKey;
          writeEpisodes(person, previous, scRng);
        }
      }
      if (h.family && scRng.chance(logistic(-4.4 + 0.9 * h.deprivation + (risks.domesticViolence ? 1.1 : 0) + (risks.drugAlcohol ? 0.8 : 0)))) {
        const others = getMembers().otherChildren;
        for (const child of others.slice(0, scRng.int(1, 2))) writeEpisodes(child, addressKey, scRng);
      }

      const inTroubledFamilies = new Set<string>();
      if (tfPeriod && h.family) {
        const rows = troubledFamiliesRows(
          Rng.for(seed, STREAM.troubledFamilies, i),
          h,
          tfPeriod,
          [...getMembers().adults, ...getMembers().otherChildren, ...cohort.map((c) => c.person)],
          personsInSocialCare.size > 0,
          pseudonymise({ family_reference: `TF${String(100_000 + i)}` }),
        );
        for (const row of rows) {
          emit("troubled-families", row);
          inTroubledFamilies.add(row.person_key ?? "");
        }
      }

      for (const { person, rng, year } of cohort) {
        const fsm = rng.chance(h.claimant ? (h.working ? 0.2 : 0.75) : 0.02);
        const monthsYounger = (new Date(person.birthDay * DAY).getUTCMonth() + 4) % 12;
        const inSocialCare = personsInSocialCare.has(person.key);
        const development =
          DEVELOPMENT.intercept +
          DEVELOPMENT.deprivation * h.deprivation +
          (inSocialCare ? DEVELOPMENT.socialCare : 0) +
          (risks.domesticViolence ? DEVELOPMENT.domesticViolence : 0) +
          (risks.drugAlcohol ? DEVELOPMENT.drugAlcohol : 0) +
          (risks.youthOffending ? DEVELOPMENT.youthOffending : 0) +
          (risks.arrears ? DEVELOPMENT.arrears : 0) +
          (risks.benefits ? DEVELOPMENT.benefits : 0) +
          (risks.socialHousing ? DEVELOPMENT.socialHousing : 0) +
          (fsm ? DEVELOPMENT.fsm : 0) +
          (person.gender === "F" ? DEVELOPMENT.female : 0) +
          DEVELOPMENT.perMonthYounger * monthsYounger +
          rng.normal(0, DEVELOPMENT.noiseSd);
        const scores = drawElgScores(rng, development);
        const gld = goodLevelOfDevelopment(scores);
        const district = rng.chance(0.85) ? oa.schoolDistrict : rng.pick(SCHOOL_DISTRICTS);
        const row: Row = {
          person_key: person.key,
          address_key: addressKey,
          assessment_year: String(year),
          school_district: district,
          school_urn: rng.pick(schoolsIn(district)),
          gender: person.gender,
          birth_month: isoMonth(person.birthDay),
          ethnicity: rng.chance(0.9) ? h.ethnicity : drawEthnicity(rng),
          fsm: yn(fsm),
          school_ready: gld === null ? "" : yn(gld),
        };
        ELG_COLUMNS.forEach((column, k) => {
          row[column] = scores[k] as string;
        });
        children.push({
          row,
          year,
          area: oa.area,
          gld,
          truth: {
            person_key: person.key,
            address_key: addressKey,
            assessment_year: String(year),
            in_housing_benefits: yn(h.inHousingBenefitsFile),
            in_social_care_person: yn(inSocialCare),
            in_social_care_address: yn(socialCareAtAddress),
            in_youth_offending: yn(h.youthOffending !== null),
            in_drug_alcohol: yn(h.drugAlcohol !== null),
            in_police_crime: yn(h.police !== null),
            in_troubled_families: yn(inTroubledFamilies.has(person.key)),
          },
        });
      }
      if (i % 512 === 0) await drainAll([...datasetFiles.values(), outputAreasFile]);
    }
  }

  // The cohort is small, so it is written in assessment-year order once every household is done.
  children.sort((a, b) => a.year - b.year);
  for (const child of children) {
    emit("school-readiness", child.row);
    groundTruthFile.write(child.truth);
  }

  let quirksPath: string | null = null;
  if (quirks) {
    quirksPath = path.join(outDir, "quirks.csv");
    const quirksFile = new CsvFile(quirksPath, QUIRKS_COLUMNS);
    const order = [...datasetFiles.keys()];
    const records = [...fileLevelQuirks, ...quirks.records].sort(
      (a, b) => order.indexOf(a.datasetId) - order.indexOf(b.datasetId) || (a.line ?? 0) - (b.line ?? 0),
    );
    for (const q of records) {
      quirksFile.write({
        dataset_id: q.datasetId,
        line: q.line === null ? "" : String(q.line),
        column: q.column,
        quirk: q.quirk,
        expected: q.expected,
      });
    }
    await quirksFile.close();
  }

  await Promise.all([...datasetFiles.values(), outputAreasFile, groundTruthFile, ...(rawPoliceFile ? [rawPoliceFile] : [])].map((f) => f.close()));

  const files: GeneratedFile[] = [...datasetFiles.entries()].map(([datasetId, file]) => ({ datasetId, path: file.path, rows: file.rows }));
  if (options.troubledFamiliesEvaluation) files.push(...(await writeEvaluationBatches(outDir, seed)));
  return {
    files,
    groundTruthPath: groundTruthFile.path,
    outputAreasPath: outputAreasFile.path,
    quirksPath,
    stats: summarise(seed, geography, children, years, performance.now() - started),
  };
}

async function writeEvaluationBatches(outDir: string, seed: number): Promise<GeneratedFile[]> {
  const dir = path.join(outDir, "troubled-families-evaluation");
  await mkdir(dir, { recursive: true });
  const columns = getDataset("troubled-families").columns.map((c) => c.name);
  const batches = batchCsvFiles(generateTroubledFamilies({ seed }), columns);
  const out: GeneratedFile[] = [];
  for (const { council, period, csv } of batches.values()) {
    const file = path.join(dir, `${council}_troubled-families_${period}.csv`);
    await writeFile(file, csv, "utf8");
    out.push({ datasetId: "troubled-families", path: file, rows: csv.split("\n").length - 2 });
  }
  return out;
}

async function drainAll(files: CsvFile[]): Promise<void> {
  for (const f of files) await f.drain();
}

/**
 * Places each year's cohort in family households, weighted towards more deprived ones (which have more
 * young children), without replacement within a year (Efraimidis-Spirakis keys). Across years a household
 * can be drawn again: siblings in different cohorts.
 */
function placeCohort(
  seed: number,
  years: readonly number[],
  perYear: number,
  deprivation: Float32Array,
  family: Uint8Array,
): Map<number, { year: number; order: number }[]> {
  const familyIndex: number[] = [];
  for (let i = 0; i < family.length; i++) if (family[i] === 1) familyIndex.push(i);
  if (familyIndex.length < perYear) {
    throw new RangeError(`${perYear} children a year need at least that many family households; there are ${familyIndex.length}`);
  }
  const byHousehold = new Map<number, { year: number; order: number }[]>();
  if (perYear === 0) return byHousehold;
  for (const year of years) {
    const rng = Rng.for(seed, STREAM.cohort, year);
    const keys = new Float64Array(familyIndex.length);
    familyIndex.forEach((i, k) => {
      let u = rng.next();
      while (u === 0) u = rng.next();
      keys[k] = -Math.log(u) / Math.exp(0.25 * (deprivation[i] as number));
    });
    const threshold = Float64Array.from(keys).sort()[perYear - 1] as number;
    let order = 0;
    familyIndex.forEach((i, k) => {
      if ((keys[k] as number) <= threshold && order < perYear) {
        const list = byHousehold.get(i) ?? [];
        list.push({ year, order: order++ });
        byHousehold.set(i, list);
      }
    });
  }
  return byHousehold;
}

/** House number, street and postcode of household i: unique per household by construction. */
function addressOf(oa: OutputArea, i: number): AddressIdentity {
  const local = i - oa.firstHousehold;
  const block = Math.ceil(((local + 1) * oa.blocks) / oa.households) - 1;
  const position = local - Math.floor((block * oa.households) / oa.blocks);
  const globalBlock = oa.firstBlock + block;
  return {
    address_line_1: `${position + 1} ${streetFor(globalBlock + (oa.area === "rest" ? 7 : 0))}`,
    postcode: postcodeFor(oa.area, globalBlock),
    uprn: uprnFor(i),
  };
}

/** A flat elsewhere: the format never occurs in the household universe, so the key links to nothing. */
function previousAddressKey(pseudonymise: (ids: Record<string, string>) => string, i: number, rng: Rng): string {
  return pseudonymise(
    addressKeyColumns({
      address_line_1: `Flat ${rng.int(1, 40)}, ${rng.int(1, 200)} ${streetFor(rng.int(0, 499))}`,
      postcode: postcodeFor("rest", (i * 7919) % 6800),
      uprn: "",
    }),
  );
}

function drawMembers(
  rng: Rng,
  h: Household,
  surname: string,
  extractDay: number,
  makePerson: (draw: () => PersonIdentity, birthDay: number) => Person,
): { adults: Person[]; otherChildren: Person[] } {
  const adults: Person[] = [];
  const adultCount = h.loneParent ? 1 : 2;
  for (let n = 0; n < adultCount; n++) {
    const female = n === 0 ? !h.loneParent || rng.chance(0.9) : false;
    const birthDay = extractDay - rng.int(19 * 365, 52 * 365);
    const names = female ? ADULT_FORENAMES.slice(0, 10) : ADULT_FORENAMES.slice(10);
    adults.push(
      makePerson(
        () => ({
          forename: rng.pick(names),
          surname,
          date_of_birth: isoDate(birthDay),
          gender: female ? "F" : "M",
        }),
        birthDay,
      ),
    );
  }
  const otherChildren: Person[] = [];
  const count = rng.int(0, 3);
  for (let n = 0; n < count; n++) {
    const gender: "F" | "M" = rng.chance(0.49) ? "F" : "M";
    const birthDay = extractDay - rng.int(30, 17 * 365);
    otherChildren.push(
      makePerson(
        () => ({
          forename: forenameFor(rng, gender),
          surname,
          date_of_birth: isoDate(birthDay),
          gender,
        }),
        birthDay,
      ),
    );
  }
  return { adults, otherChildren };
}

/**
 * Troubled Families (second programme): families meeting at least two of six headline criteria are
 * eligible; most with three or more are worked with (treatment), the rest and a sample of the two-criteria
 * families form the comparison group. Treatment lowers the "after" outcomes more than the comparison's drift.
 */
function troubledFamiliesRows(
  rng: Rng,
  h: Household,
  period: { start: number; label: string },
  people: Person[],
  childrenInNeed: boolean,
  familyKey: string,
): Row[] {
  // The agreement covers attachments from 1 September 2014 (6.2a); none is after the period.
  const attached = Math.max(day(2014, 9, 1), period.start - rng.int(30, 540));
  const members = people.filter((p) => p.birthDay <= attached);
  const schoolAge = members.some((p) => {
    const age = ageAt(p.birthDay, attached);
    return age >= 5 && age <= 15;
  });
  const criteria = {
    crime_asb: (h.police?.offender ?? false) || (h.police?.asb ?? false) || (h.youthOffending?.known ?? false),
    education: schoolAge && rng.chance(logistic(-2.2 + 0.8 * h.deprivation)),
    children_in_need: childrenInNeed,
    worklessness: h.claimant && !h.working,
    domestic_abuse: h.police?.dv ?? false,
    health: h.drugAlcohol !== null || h.benefits.incapacityBenefit,
  };
  const met = Object.values(criteria).filter(Boolean).length;
  // Only some eligible families have been identified by the local authority at this batch.
  if (met < 2 || !rng.chance(0.35)) return [];
  const treatment = rng.chance(met >= 3 ? 0.55 : 0.1);
  if (!treatment && !rng.chance(0.45)) return [];
  const effect = treatment ? 0.65 : 0.92;

  return members.map((p) => {
    const age = ageAt(p.birthDay, attached);
    const adult = age >= 18;
    const offendingAge = age >= 10;
    const offences = offendingAge && criteria.crime_asb ? rng.poisson(adult ? 1.1 : 0.8) : offendingAge ? rng.poisson(0.08) : 0;
    const asb = offendingAge && criteria.crime_asb ? rng.poisson(1.4) : offendingAge ? rng.poisson(0.15) : 0;
    const dv = adult && criteria.domestic_abuse ? rng.poisson(1.3) : 0;
    const inSchool = age >= 5 && age <= 15;
    const absenceBefore = criteria.education ? 10 + 20 * rng.next() : 2 + 7 * rng.next();
    const absenceAfter = Math.min(100, absenceBefore * (treatment ? 0.6 + 0.35 * rng.next() : 0.85 + 0.25 * rng.next()));
    const workless = adult && criteria.worklessness;
    return {
      family_key: familyKey,
      person_key: p.key,
      batch_period: period.label,
      group: treatment ? "treatment" : "comparison",
      attached_date: isoDate(attached),
      age_band: ageBand(age),
      crit_crime_asb: yn(criteria.crime_asb),
      crit_education: yn(criteria.education),
      crit_children_in_need: yn(criteria.children_in_need),
      crit_worklessness: yn(criteria.worklessness),
      crit_domestic_abuse: yn(criteria.domestic_abuse),
      crit_health: yn(criteria.health),
      offences_before: String(offences),
      offences_after: String(rng.poisson(offences * effect + (offendingAge ? 0.03 : 0))),
      asb_incidents_before: String(asb),
      asb_incidents_after: String(rng.poisson(asb * effect)),
      dv_incidents_before: String(dv),
      dv_incidents_after: String(rng.poisson(dv * effect)),
      absence_rate_before: inSchool ? absenceBefore.toFixed(1) : "",
      absence_rate_after: inSchool ? absenceAfter.toFixed(1) : "",
      out_of_work_benefits_before: yn(workless),
      out_of_work_benefits_after: yn(workless ? rng.chance(treatment ? 0.75 : 0.9) : adult && rng.chance(0.04)),
    };
  });
}

function housingBenefitsRow(addressKey: string, h: Household): Row {
  const b = h.benefits;
  return {
    address_key: addressKey,
    council_tax_band: b.councilTaxBand,
    council_tax_reduction_pct: opt(b.ctrPct, String),
    council_tax_reduction_gbp: opt(b.ctrPence, money),
    housing_benefit_gbp: opt(b.housingBenefitPence, money),
    tenure: h.tenure,
    arrears_gbp: opt(b.arrearsPence, money),
    social_housing: yn(h.socialHousing),
    child_benefit: yn(b.childBenefit),
    child_tax_credits: yn(b.childTaxCredits),
    lone_parent_premium: yn(b.loneParentPremium),
    incapacity_benefit: yn(b.incapacityBenefit),
    long_term_family_premium: yn(b.longTermFamilyPremium),
    employment_income_gross_weekly: opt(b.employmentGross, money),
    employment_income_net_weekly: opt(b.employmentNet, money),
    self_employment_income_gross_weekly: opt(b.selfEmploymentGross, money),
    self_employment_income_net_weekly: opt(b.selfEmploymentNet, money),
    earned_income_disregard_weekly: opt(b.earnedIncomeDisregard, money),
    childcare_disregard_weekly: opt(b.childcareDisregard, money),
  };
}

function policeRow(addressKey: string, h: Household): Row {
  const p = h.police;
  if (!p) throw new Error("household has no police record");
  return {
    address_key: addressKey,
    offender_address: yn(p.offender),
    present_at_household: yn(p.presentAtHousehold),
    repeat_offender: yn(p.repeatOffender),
    asb_address: yn(p.asb),
    incident_at_address: yn(p.incident),
    crime_group: p.crimeGroup ?? "",
    asb_drug_related: yn(p.asbDrug),
    asb_alcohol_related: yn(p.asbAlcohol),
    asb_child_present: yn(p.asbChildPresent),
    asb_repeat: yn(p.asbRepeat),
    asb_risk_category: p.asbRisk ?? "",
    dv_victim_address: yn(p.dv),
    dv_drug_related: yn(p.dvDrug),
    dv_alcohol_related: yn(p.dvAlcohol),
    dv_child_present: yn(p.dvChildPresent),
    dv_repeat_victim: yn(p.dvRepeat),
    dv_risk_category: p.dvRisk ?? "",
  };
}

function drugAlcoholRow(addressKey: string, h: Household): Row {
  const d = h.drugAlcohol;
  if (!d) throw new Error("household has no drug and alcohol record");
  return {
    address_key: addressKey,
    in_treatment: d.inTreatment,
    in_treatment_last_12m: yn(d.last12m),
    successful_completion_last_12m: yn(d.successfulCompletion),
    referral_source: d.referralSource ?? "",
    intervention_type: d.interventionType ?? "",
  };
}

function youthOffendingRow(addressKey: string, h: Household): Row {
  const y = h.youthOffending;
  if (!y) throw new Error("household has no youth offending record");
  return {
    address_key: addressKey,
    yos_known: yn(y.known),
    offence_category: y.offenceCategory ?? "",
    offence_gravity: y.gravity === null ? "" : String(y.gravity),
  };
}

function summarise(seed: number, geography: Geography, children: ChildOutcome[], years: readonly number[], elapsedMs: number): DemoStats {
  const gld = { vange: emptyRate(), rest: emptyRate(), overall: emptyRate() };
  const childrenByYear: Record<string, number> = Object.fromEntries(years.map((y) => [String(y), 0]));
  const linked = { hb: 0, scp: 0, sca: 0, yos: 0, da: 0, pc: 0, tf: 0 };
  let excluded = 0;
  for (const c of children) {
    childrenByYear[String(c.year)] = (childrenByYear[String(c.year)] ?? 0) + 1;
    for (const r of [gld[c.area], gld.overall]) {
      r.children++;
      if (c.gld !== null) {
        r.assessed++;
        if (c.gld) r.ready++;
      }
    }
    if (c.gld === null) excluded++;
    const t = c.truth;
    if (t.in_housing_benefits === "Y") linked.hb++;
    if (t.in_social_care_person === "Y") linked.scp++;
    if (t.in_social_care_address === "Y") linked.sca++;
    if (t.in_youth_offending === "Y") linked.yos++;
    if (t.in_drug_alcohol === "Y") linked.da++;
    if (t.in_police_crime === "Y") linked.pc++;
    if (t.in_troubled_families === "Y") linked.tf++;
  }
  for (const r of Object.values(gld)) r.rate = r.assessed === 0 ? 0 : r.ready / r.assessed;
  const share = (n: number) => (children.length === 0 ? 0 : n / children.length);
  return {
    seed,
    households: geography.households,
    vangeHouseholds: geography.vangeHouseholds,
    restHouseholds: geography.restHouseholds,
    outputAreas: {
      vange: geography.outputAreas.filter((o) => o.area === "vange").length,
      rest: geography.outputAreas.filter((o) => o.area === "rest").length,
    },
    children: children.length,
    childrenByYear,
    excludedFromGld: excluded,
    gld,
    linkage: {
      housingBenefits: share(linked.hb),
      socialCarePerson: share(linked.scp),
      socialCareAddress: share(linked.sca),
      youthOffending: share(linked.yos),
      drugAlcohol: share(linked.da),
      policeCrime: share(linked.pc),
      troubledFamilies: share(linked.tf),
    },
    elapsedMs: Math.round(elapsedMs),
  };
}
