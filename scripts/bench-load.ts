// `npm run bench:load [-- --seconds 60]`: the portal under mixed load on loopback. Starts it as
// `npm start` does (embedded PostgreSQL, first-run demo data, throw-away folder, child process),
// then for `--seconds`: 50 researchers load the Vange dashboards (JSON views and a CSV export), 10
// partner analysts upload housing files of 1–20 MB again and again, 5 administrators browse the
// administration pages, and one matching run is requested half-way. Prints one JSON line: p50/p95/
// p99 per kind of request, errors (goal 0), uploads loaded (goal all), access events recorded for
// every answered dashboard request, and the portal process's peak resident memory (goal < 1 GB).
// Sessions are opened the way the sign-in callback opens them (a portal session and next-auth's
// JWT): the sign-in pages are not what is measured. A benchmark, not a test.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import type { Role } from "@/lib/auth/roles";
import { sessionCookieName } from "@/lib/auth/next-auth-cookies";
import { startPortalSession } from "@/lib/auth/session";
import { headerLine, sampleRowCells } from "@/lib/datasets/testing/generate";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/embedded";
import { withContext } from "@/lib/db/tenant";
import { stopJobQueue } from "@/lib/queue/boss";
import { requestMatchingRun } from "@/lib/matching/jobs";

interface AutocannonResult {
  errors: number;
}
interface AutocannonInstance {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (
  opts: { url: string; connections: number; duration: number; headers: Record<string, string>; requests: { method: string; path: string }[] },
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const { values } = parseArgs({ options: { seconds: { type: "string", default: "60" } } });
const seconds = Number(values.seconds);
const log = (line: string) => process.stderr.write(`[bench:load] ${line}\n`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-load-"));
fs.chmodSync(work, 0o755);
const port = await findFreePort(3400);
const base = `http://localhost:${port}`;

log(`starting the portal on port ${port} (build if needed, embedded PostgreSQL, first-run demo data)…`);
const portal = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/start.ts"], {
  cwd: process.cwd(),
  env: {
    ...process.env,
    PORT: String(port),
    PORTAL_DATA_DIR: work,
    PUBLIC_URL: base,
    NODE_ENV: "production",
    DATABASE_URL: "",
    DATABASE_APP_URL: "",
  },
  stdio: ["ignore", "pipe", "pipe"],
});
let output = "";
portal.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
portal.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
const exited = new Promise<number | null>((resolve) => portal.on("exit", resolve));

/** The portal process's peak resident set (VmHWM), in MB. */
const peakRssMb = () => {
  const status = fs.readFileSync(`/proc/${portal.pid}/status`, "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
};

const percentiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN);
  return { requests: s.length, p50Ms: at(50), p95Ms: at(95), p99Ms: at(99) };
};

try {
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    if (portal.exitCode !== null) throw new Error(`the portal stopped while starting:\n${output.slice(-3000)}`);
    if (
      await fetch(`${base}/api/health`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      break;
    if (Date.now() > until) throw new Error("the portal did not start within 15 minutes");
    await new Promise((r) => setTimeout(r, 1000));
  }

  const secrets = JSON.parse(fs.readFileSync(path.join(work, "secrets.json"), "utf8")) as { appRolePassword: string; sessionSecret: string };
  const pgPort = Number(fs.readFileSync(path.join(work, "pg", "postmaster.pid"), "utf8").split("\n")[3]);
  process.env.DATABASE_APP_URL = `postgresql://portal_app:${encodeURIComponent(secrets.appRolePassword)}@127.0.0.1:${pgPort}/portal`;
  process.env.PUBLIC_URL = base;
  process.env.NEXTAUTH_URL = base;
  const session = async (role: Role, orgSlug: string, n: number) => {
    const userId = await withContext({ kind: "system", purpose: "bench" }, async (tx) => {
      const org = await tx.organisation.findUniqueOrThrow({ where: { slug: orgSlug } });
      const u = await tx.user.create({
        data: { email: `bench-${role}-${n}-${process.pid}@bench.example`, displayName: `Benchmark ${role} ${n}`, role, orgId: org.id },
      });
      return u.id;
    });
    const sid = await startPortalSession({ userId, issuer: "bench", subject: `bench-${role}-${n}-${process.pid}`, acr: "2fa", amr: ["pwd", "otp"] });
    return { userId, cookie: `${sessionCookieName()}=${await encode({ token: { sid }, secret: secrets.sessionSecret })}` };
  };
  const researcher = await session("researcher", "university-of-essex", 0);
  const admin = await session("administrator", "platform-operations", 0);
  const analysts = await Promise.all(Array.from({ length: 10 }, (_, i) => session("partner_analyst", "basildon-borough-council", i)));

  const first = await fetch(`${base}/api/dashboards/vange`, { headers: { cookie: researcher.cookie } });
  const body = (await first.json()) as { state?: string; options?: { years: number[]; districts: string[] } };
  if (first.status !== 200 || body.state !== "ready") throw new Error(`the dashboard endpoint answered ${first.status}`);
  const jsonPaths = ["/api/dashboards/vange", ...body.options!.years.map((y) => `/api/dashboards/vange?year=${y}`)];
  const csvPaths = ["/api/dashboards/vange/csv?table=gld-oa"];
  const adminPaths = ["/admin", "/admin/accounts", "/admin/organisations", "/admin/mail"];

  // Each analyst's files, made before the clock starts: 1–20 MB of valid housing rows, new keys each.
  log("preparing the analysts' files…");
  const header = headerLine("housing-benefits");
  let row = 0;
  const file = (mb: number) => {
    const lines = [header];
    let size = header.length;
    while (size < mb * 1024 * 1024) {
      const line = sampleRowCells("housing-benefits", 50_000_000 + row++).join(",");
      lines.push(line);
      size += line.length + 1;
    }
    return Buffer.from(lines.join("\n") + "\n");
  };
  const files = analysts.map((_, i) => [file(1 + ((i * 7) % 20)), file(1 + ((i * 11 + 3) % 20))]);

  let answeredDashboard = 1;
  const latencies: Record<string, number[]> = { "dashboard json": [], "dashboard csv": [], "admin pages": [], upload: [] };
  let errors = 0;
  const errorSamples: string[] = [];
  const load = (name: string, connections: number, headers: Record<string, string>, paths: string[], dashboard: boolean) =>
    new Promise<void>((resolve, reject) => {
      const instance = autocannon(
        { url: base, connections, duration: seconds, headers, requests: paths.map((p) => ({ method: "GET", path: p })) },
        (err, res) => {
          if (err) reject(err);
          else {
            errors += res.errors;
            resolve();
          }
        },
      );
      instance.on("response", (_client, statusCode, _bytes, ms) => {
        latencies[name]!.push(ms);
        if (statusCode < 200 || statusCode > 299) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${name} ${statusCode}`);
        } else if (dashboard) answeredDashboard++;
      });
    });

  const stopAt = Date.now() + seconds * 1000;
  let uploadsTried = 0;
  let uploadsLoaded = 0;
  const uploader = async (i: number) => {
    for (let k = 0; Date.now() < stopAt; k++) {
      const data = files[i]![k % 2]!;
      const t = performance.now();
      uploadsTried++;
      try {
        const res = await fetch(`${base}/api/uploads?dataset=housing-benefits&filename=bench-${i}-${k}.csv`, {
          method: "POST",
          headers: { cookie: analysts[i]!.cookie, "content-type": "text/csv", origin: base, "sec-fetch-site": "same-origin" },
          body: data,
        });
        const text = await res.text();
        const result = text
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { type: string; result?: { status: string } })
          .find((e) => e.type === "result")?.result;
        latencies.upload!.push(performance.now() - t);
        if (res.status === 200 && result?.status === "loaded") uploadsLoaded++;
        else {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`upload ${res.status} ${text.slice(-200)}`);
        }
      } catch (e) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`upload ${String(e)} ${String((e as { cause?: unknown }).cause ?? "")}`);
      }
    }
  };

  log(`loading for ${seconds} s: 50 researchers, 10 analysts uploading, 5 administrators; a matching run half-way…`);
  let matchingRequested = false;
  const midway = setTimeout(
    () => {
      requestMatchingRun({ trigger: "benchmark" })
        .then(() => (matchingRequested = true))
        .catch((e: unknown) => errorSamples.push(`matching request ${String(e)}`));
    },
    (seconds * 1000) / 2,
  );
  await Promise.all([
    load("dashboard json", 45, { cookie: researcher.cookie }, jsonPaths, true),
    load("dashboard csv", 5, { cookie: researcher.cookie }, csvPaths, true),
    load("admin pages", 5, { cookie: admin.cookie, accept: "text/html" }, adminPaths, false),
    ...analysts.map((_, i) => uploader(i)),
  ]);
  clearTimeout(midway);

  const audited = await withContext({ kind: "system", purpose: "bench" }, (tx) =>
    tx.auditEvent.count({ where: { actorUserId: researcher.userId, action: { in: ["dashboard.view", "dashboard.export"] } } }),
  );
  console.log(
    JSON.stringify({
      bench: "load",
      seconds,
      routes: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, percentiles(v)])),
      errors,
      errorSamples,
      uploadsTried,
      uploadsLoaded,
      matchingRunRequested: matchingRequested,
      answeredDashboardRequests: answeredDashboard,
      auditedDashboardRequests: audited,
      everyAnsweredRequestAudited: audited >= answeredDashboard,
      portalPeakRssMb: peakRssMb(),
      goals: { errors: 0, uploadsLoaded: "all", portalPeakRssMb: 1024 },
    }),
  );
} finally {
  await stopJobQueue().catch(() => {});
  await closeDatabase().catch(() => {});
  portal.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  fs.rmSync(work, { recursive: true, force: true });
}
