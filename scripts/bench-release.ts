// `npm run bench:release`: the cross-release check of a release request of 20 tables against 50
// earlier releases of the same analysis base, against protecting the same 20 tables alone (one
// publication), and prints one JSON line. Engine only: the database part of a check (reading the
// run's unit cells, which the dashboard cache already holds, and the earlier releases' tables) is a
// few small queries. Target (issue 12): under 2 s on the 2-core development machine.
import { performance } from "node:perf_hooks";
import { protectPublication } from "@/lib/disclosure/protect";
import type { PriorTable, PublicationRequest, TableSpec, UnitCell } from "@/lib/disclosure/types";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dimensions = {
  year: [2016, 2017, 2018, 2019, 2020],
  gender: ["F", "M"],
  fsm: [true, false],
  gld: [true, false],
  ethnicity: ["White British", "White other", "Asian", "Black", "Mixed", "Other"],
  district: ["Basildon", "Braintree", "Brentwood", "Castle Point", "Chelmsford", "Colchester", "Harlow", "Maldon"],
  birthTerm: ["autumn", "spring", "summer"],
} as const;
const shares: Record<string, readonly number[]> = {
  year: [0.2, 0.2, 0.2, 0.2, 0.2],
  gender: [0.49, 0.51],
  fsm: [0.15, 0.85],
  ethnicity: [0.78, 0.06, 0.07, 0.03, 0.04, 0.02],
  district: [0.3, 0.2, 0.12, 0.1, 0.12, 0.1, 0.04, 0.02],
  birthTerm: [0.34, 0.31, 0.35],
};

function makeBase(children: number, random: () => number): UnitCell[] {
  let combos: { values: Record<string, string | number | boolean>; p: number }[] = [{ values: {}, p: 1 }];
  for (const [dim, domain] of Object.entries(dimensions)) {
    const next: typeof combos = [];
    for (const c of combos) {
      domain.forEach((v, k) => {
        const rate = c.values.fsm === true ? 0.55 : 0.72;
        const p = dim === "gld" ? c.p * (v === true ? rate : 1 - rate) : c.p * (shares[dim]?.[k] ?? 0);
        next.push({ values: { ...c.values, [dim]: v }, p });
      });
    }
    combos = next;
  }
  const cells: UnitCell[] = [];
  for (const { values, p } of combos) {
    const mean = children * p;
    let k = 0;
    let q = random();
    const limit = Math.exp(-mean);
    while (q > limit) {
      k++;
      q *= random();
    }
    if (k > 0) cells.push({ values, count: k });
  }
  return cells;
}

const gld = { kind: "percentage", numerator: { gld: true } } as const;
const AXES = ["gender", "fsm", "ethnicity", "birthTerm", "year", "district"] as const;

/** A dashboard-like table: GLD % (or children) by one or two characteristics, maybe for one year or district. */
function randomTable(id: string, random: () => number): TableSpec {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const rows = pick(AXES);
  const columns = random() < 0.3 ? pick(AXES.filter((a) => a !== rows && a !== "district" && a !== "ethnicity")) : undefined;
  const filter: Record<string, string | number> = {};
  if (random() < 0.4 && rows !== "year" && columns !== "year") filter.year = pick(dimensions.year);
  else if (random() < 0.3 && rows !== "district" && columns !== "district") filter.district = pick(dimensions.district);
  return {
    id,
    rows: [rows],
    ...(columns ? { columns: [columns] } : {}),
    ...(Object.keys(filter).length ? { filter } : {}),
    measure: random() < 0.8 ? gld : { kind: "count" },
    totals: random() < 0.7,
  };
}

const random = mulberry32(20261201);
const threshold = Number(process.env.BENCH_THRESHOLD ?? 5);
const cells = makeBase(Number(process.env.BENCH_CHILDREN ?? 6000), random);
const base = { dimensions, cells };
const RELEASES = Number(process.env.BENCH_RELEASES ?? 50);
const TABLES = Number(process.env.BENCH_TABLES ?? 20);

// Fifty earlier releases of 1–3 tables, each protected in turn against those before it.
const prior: PriorTable[] = [];
const setup0 = performance.now();
for (let r = 1; r <= RELEASES; r++) {
  const specs = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, t) => randomTable(`r${r}t${t}`, random));
  const pub = protectPublication({ threshold, base, tables: specs, prior });
  specs.forEach((spec, k) => prior.push({ source: `R-${String(r).padStart(4, "0")}`, spec, cells: pub.tables[k]!.cells }));
}
const setupMs = performance.now() - setup0;

const tables = Array.from({ length: TABLES }, (_, t) => randomTable(`q${t}`, random));
const single: PublicationRequest = { threshold, base, tables };
const joint: PublicationRequest = { ...single, prior };

function time(
  req: PublicationRequest,
  runs: number,
): { medianMs: number; maxMs: number; medianCpuMs: number; result: ReturnType<typeof protectPublication> } {
  let result = protectPublication(req);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = protectPublication(req);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return { medianMs: wall[Math.floor(runs / 2)]!, maxMs: wall[runs - 1]!, medianCpuMs: cpu[Math.floor(runs / 2)]!, result };
}

const runs = Number(process.env.BENCH_RUNS ?? 7);
const alone = time(single, runs);
const cross = time(joint, runs);
const round = (x: number) => Math.round(x * 10) / 10;
console.log(
  JSON.stringify({
    bench: "release.crossReleaseCheck",
    tables: TABLES,
    earlierReleases: RELEASES,
    earlierTables: prior.length,
    unitCells: cells.length,
    threshold,
    runs,
    crossMedianMs: round(cross.medianMs),
    crossMaxMs: round(cross.maxMs),
    crossMedianCpuMs: round(cross.medianCpuMs),
    singleMedianMs: round(alone.medianMs),
    ratio: round(cross.medianMs / alone.medianMs),
    targetMs: 2000,
    meetsTarget: cross.maxMs < 2000,
    suppressedAlone: alone.result.summary.primary + alone.result.summary.secondary,
    suppressedJointly: cross.result.summary.primary + cross.result.summary.secondary,
    forcedByEarlierReleases: cross.result.crossRelease?.forced ?? 0,
    setupMs: round(setupMs),
  }),
);
