// Micro-benchmark: `npx tsx lib/disclosure/bench.ts` prints one JSON line.
//
// Unlike the library modules this script does not import "server-only" itself: outside Next.js
// that guard throws, so the shared CLI hook that maps it to an empty module is registered first
// and the engine is loaded afterwards with a dynamic import.
import { performance } from "node:perf_hooks";

await import(new URL("../../scripts/shims/register.mjs", import.meta.url).href);
const { protectPublication } = await import("./protect");
const { planPublication } = await import("./protect");
type Request = import("./types").PublicationRequest;
type UnitCell = import("./types").UnitCell;

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

// Marginal shares loosely shaped like a county cohort: FSM, small districts and minority groups
// are rare, so deep cells and some margins fall under the threshold, as they do in real data.
const shares: Record<string, readonly number[]> = {
  year: [0.2, 0.2, 0.2, 0.2, 0.2],
  gender: [0.49, 0.51],
  fsm: [0.15, 0.85],
  ethnicity: [0.78, 0.06, 0.07, 0.03, 0.04, 0.02],
  district: [0.3, 0.2, 0.12, 0.1, 0.12, 0.1, 0.04, 0.02],
  birthTerm: [0.34, 0.31, 0.35],
};

function poisson(mean: number, random: () => number): number {
  // Knuth's method is fine for the small means used here.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

function makeBase(children: number, seed: number): UnitCell[] {
  const random = mulberry32(seed);
  let combos: { values: Record<string, string | number | boolean>; p: number }[] = [{ values: {}, p: 1 }];
  for (const [dim, domain] of Object.entries(dimensions)) {
    const next: typeof combos = [];
    for (const c of combos) {
      domain.forEach((v, k) => {
        let p = c.p;
        if (dim === "gld")
          p *= (c.values.fsm === true ? 0.55 : 0.72) * (v === true ? 1 : 0) + (v === true ? 0 : 1 - (c.values.fsm === true ? 0.55 : 0.72));
        else p *= shares[dim]?.[k] ?? 0;
        next.push({ values: { ...c.values, [dim]: v }, p });
      });
    }
    combos = next;
  }
  const cells: UnitCell[] = [];
  for (const { values, p } of combos) {
    const count = poisson(children * p, random);
    if (count > 0) cells.push({ values, count });
  }
  return cells;
}

const gld = { kind: "percentage", numerator: { gld: true } } as const;
function request(cells: UnitCell[], threshold: number): Request {
  return {
    threshold,
    base: { dimensions, cells },
    tables: [
      { id: "gld-by-gender", rows: ["gender"], measure: gld, totals: true },
      { id: "gld-by-fsm", rows: ["fsm"], measure: gld, totals: true },
      { id: "gld-by-year", rows: ["year"], measure: gld, totals: true },
      { id: "gld-by-ethnicity", rows: ["ethnicity"], measure: gld, totals: true },
      { id: "gld-by-district", rows: ["district"], measure: gld, totals: true },
      { id: "gld-by-gender-fsm", rows: ["gender"], columns: ["fsm"], measure: gld, totals: true },
      { id: "gld-by-birth-term", rows: ["birthTerm"], measure: gld, totals: true },
      { id: "gld-by-year-gender", rows: ["year"], columns: ["gender"], measure: gld, totals: true },
      { id: "gld-by-district-fsm", rows: ["district"], columns: ["fsm"], measure: gld, totals: true },
      { id: "children-by-ethnicity-district", rows: ["ethnicity"], columns: ["district"], measure: { kind: "count" }, totals: true },
    ],
  };
}

const runs = 50;
const cells = makeBase(Number(process.env.BENCH_CHILDREN ?? 6000), 20160701);
const req = request(cells, Number(process.env.BENCH_THRESHOLD ?? 5));
const plan = planPublication(req);
for (let i = 0; i < 5; i++) protectPublication(req);
const times: number[] = [];
const cpu: number[] = [];
let summary = protectPublication(req).summary;
for (let i = 0; i < runs; i++) {
  // CPU time as well as wall time: on a shared machine wall time mostly measures the neighbours.
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  summary = protectPublication(req).summary;
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
times.sort((a, b) => a - b);
cpu.sort((a, b) => a - b);
const round = (x: number) => Math.round(x * 100) / 100;
console.log(
  JSON.stringify({
    bench: "disclosure.protectPublication",
    tables: req.tables.length,
    unitCells: cells.length,
    forms: plan.forms.length,
    runs,
    medianMs: round(times[Math.floor(runs / 2)] as number),
    p95Ms: round(times[Math.floor(runs * 0.95)] as number),
    maxMs: round(times[runs - 1] as number),
    medianCpuMs: round(cpu[Math.floor(runs / 2)] as number),
    ...summary,
  }),
);
