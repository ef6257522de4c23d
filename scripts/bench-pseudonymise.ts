// `npm run bench:pseudonymise [-- --rows 1000000 --runs 3]`: rows per second of the Pseudonymise
// page's Web Worker in headless Chromium, and of the Node CLI path on the same file, for a
// 6-column mapping (two keys from five identifier columns, a month of birth, a copied date).
// Prints one JSON line. The worker is bundled here with esbuild (tsx's own bundler) so the bench
// needs no running portal; it is the same module the page loads.
import { createHash } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { chromium } from "@playwright/test";
import { pseudonymiseExtract } from "@/lib/pseudonymise/extract";
import { planMapping, type Mapping } from "@/lib/pseudonymise/mapping";

const { values } = parseArgs({ options: { rows: { type: "string" }, runs: { type: "string" } } });
const ROWS = Number(values.rows ?? 1_000_000);
const RUNS = Number(values.runs ?? 3);
const SALT = "bench-salt: Correct Horse Battery Staple 2016!";

const mapping: Mapping = {
  format: "essex-pseudonymise-mapping/1",
  dataset: "social-care",
  keys: {
    person_key: [
      { heading: "forename", column: "First Name" },
      { heading: "surname", column: "Surname" },
      { heading: "date_of_birth", column: "DOB", transform: "date", date: "DD/MM/YYYY" },
    ],
    address_key: [
      { heading: "address_line_1", column: "Address 1" },
      { heading: "postcode", column: "Post Code" },
    ],
  },
  columns: {
    birth_month: { derive: "month", column: "DOB", date: "DD/MM/YYYY" },
    start_date: { column: "Referral Date" },
  },
};

function extract(rows: number): Buffer {
  const names = ["Amy", "Ben", "Chloé", "Dan", "Eve", "Finn", "Grace", "Hugo"];
  const lines = ["First Name,Surname,DOB,Address 1,Post Code,Referral Date"];
  for (let i = 0; i < rows; i++) {
    const d = 1 + (i % 28);
    const m = 1 + (i % 12);
    lines.push(
      `${names[i % 8]},Smith${i % 9973},${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}/${2008 + (i % 6)},"${i + 1} Alder Road, Vange",SS16 ${i % 10}AB,2015-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    );
  }
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function nodeRun(input: Buffer): Promise<{ seconds: number; sha: string }> {
  const plan = planMapping(mapping);
  const hash = createHash("sha256");
  const started = performance.now();
  async function* chunks() {
    for (let at = 0; at < input.length; at += 1 << 20) yield input.subarray(at, at + (1 << 20));
  }
  await pseudonymiseExtract(chunks(), { plan, salt: SALT, onOutput: (b) => void hash.update(b) });
  return { seconds: (performance.now() - started) / 1000, sha: hash.digest("hex") };
}

const input = extract(ROWS);
const bundle = await build({
  entryPoints: [path.join(process.cwd(), "components/pseudonymise/worker.ts")],
  bundle: true,
  write: false,
  format: "iife",
  platform: "browser",
  target: "es2022",
  minify: true,
  alias: { "@": process.cwd() },
  logLevel: "error",
});
const workerSource = bundle.outputFiles[0]!.text;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage();
await page.route("http://localhost:9/**", (route) => {
  const url = route.request().url();
  if (url.endsWith("/worker.js")) return route.fulfill({ body: workerSource, contentType: "text/javascript" });
  if (url.endsWith("/input.csv")) return route.fulfill({ body: input, contentType: "text/csv" });
  return route.fulfill({ body: "<!doctype html><title>bench</title>", contentType: "text/html" });
});
await page.goto("http://localhost:9/");
const browserRuns: { seconds: number; sha: string }[] = [];
const nodeRuns: { seconds: number; sha: string }[] = [];
for (let r = 0; r < RUNS; r++) {
  nodeRuns.push(await nodeRun(input));
  browserRuns.push(
    await page.evaluate(
      async ({ mapping, salt }) => {
        const file = await (await fetch("http://localhost:9/input.csv")).blob();
        const worker = new Worker("http://localhost:9/worker.js");
        const started = performance.now();
        const done = await new Promise<{ output: Blob | null }>((resolve) => {
          worker.onmessage = (e: MessageEvent<{ type: string; output: Blob | null }>) => {
            if (e.data.type !== "progress") resolve(e.data);
          };
          worker.postMessage({ type: "run", file, mapping, salt });
        });
        const seconds = (performance.now() - started) / 1000;
        worker.terminate();
        const bytes = await done.output!.arrayBuffer();
        const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
        return { seconds, sha: digest };
      },
      { mapping, salt: SALT },
    ),
  );
}
const version = browser.version();
await browser.close();

const browserSeconds = median(browserRuns.map((r) => r.seconds));
const nodeSeconds = median(nodeRuns.map((r) => r.seconds));
const browserRowsPerSecond = Math.round(ROWS / browserSeconds);
const nodeRowsPerSecond = Math.round(ROWS / nodeSeconds);
console.log(
  JSON.stringify({
    bench: "pseudonymise",
    rows: ROWS,
    inputBytes: input.length,
    mappingColumns: 6,
    runs: RUNS,
    browserRowsPerSecond,
    nodeRowsPerSecond,
    browserToNodeRatio: Number((browserRowsPerSecond / nodeRowsPerSecond).toFixed(2)),
    target: 200_000,
    meetsTarget: browserRowsPerSecond >= 200_000,
    identicalOutput: browserRuns.every((b) => b.sha === nodeRuns[0]!.sha) && nodeRuns.every((n) => n.sha === nodeRuns[0]!.sha),
    browserSecondsEachRun: browserRuns.map((r) => Number(r.seconds.toFixed(2))),
    nodeSecondsEachRun: nodeRuns.map((r) => Number(r.seconds.toFixed(2))),
    chromium: version,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  }),
);
