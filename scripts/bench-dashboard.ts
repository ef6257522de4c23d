// `npm run bench:dashboard [-- --connections 50 --seconds 30 --warmup 5]`: starts the portal as `npm start`
// does (its own embedded PostgreSQL and first-run demo data, in a throw-away folder, in a child
// process), signs a researcher in, loads the Vange dashboard's data endpoints (the JSON of every
// filter view and a CSV export) with autocannon from this process, and prints requests/s and
// p50/p95/p99 latency as one JSON line. A benchmark, not a test.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { encode } from "next-auth/jwt";
import { sessionCookieName } from "@/lib/auth/next-auth-cookies";
import { startPortalSession } from "@/lib/auth/session";
import { closeDatabase } from "@/lib/db/client";
import { findFreePort } from "@/lib/db/embedded";
import { withContext } from "@/lib/db/tenant";

// autocannon ships no types; only what this script uses is described.
interface AutocannonResult {
  requests: { average: number };
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

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "50" },
    seconds: { type: "string", default: "30" },
    // Unmeasured load first: the server's JIT and connection pool warm up before the clock starts.
    warmup: { type: "string", default: "5" },
  },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const log = (line: string) => process.stderr.write(`[bench:dashboard] ${line}\n`);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-dashboard-"));
fs.chmodSync(work, 0o755);
const port = await findFreePort(3300);
const base = `http://localhost:${port}`;

log(`starting the portal on port ${port} (build if needed, embedded PostgreSQL, first-run demo data)…`);
// BENCH_PORTAL_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server side.
const nodeArgs = (process.env.BENCH_PORTAL_NODE_ARGS ?? "").split(" ").filter(Boolean);
const portal = spawn(process.execPath, [...nodeArgs, "--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/start.ts"], {
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
portal.stdout.on("data", (d: Buffer) => (output += d.toString()));
portal.stderr.on("data", (d: Buffer) => (output += d.toString()));
const exited = new Promise<number | null>((resolve) => portal.on("exit", resolve));

try {
  const until = Date.now() + 15 * 60_000;
  for (;;) {
    if (portal.exitCode !== null) throw new Error(`the portal stopped while starting:\n${output.slice(-3000)}`);
    const ok = await fetch(`${base}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > until) throw new Error("the portal did not start within 15 minutes");
    await new Promise((r) => setTimeout(r, 1000));
  }

  // Sign a researcher in the way the sign-in callback does: a portal session and next-auth's JWT.
  const secrets = JSON.parse(fs.readFileSync(path.join(work, "secrets.json"), "utf8")) as { appRolePassword: string; sessionSecret: string };
  const pgPort = Number(fs.readFileSync(path.join(work, "pg", "postmaster.pid"), "utf8").split("\n")[3]);
  process.env.DATABASE_APP_URL = `postgresql://portal_app:${encodeURIComponent(secrets.appRolePassword)}@127.0.0.1:${pgPort}/portal`;
  const userId = await withContext({ kind: "system", purpose: "bench" }, async (tx) => {
    const org = await tx.organisation.findUniqueOrThrow({ where: { slug: "university-of-essex" } });
    const u = await tx.user.create({
      data: {
        email: `bench-researcher-${process.pid}@essex-university.example`,
        displayName: "Benchmark researcher",
        role: "researcher",
        orgId: org.id,
      },
    });
    return u.id;
  });
  const sid = await startPortalSession({ userId, issuer: "bench", subject: `bench-${process.pid}`, acr: "2fa", amr: ["pwd", "otp"] });
  process.env.PUBLIC_URL = base;
  process.env.NEXTAUTH_URL = base;
  const cookie = `${sessionCookieName()}=${await encode({ token: { sid }, secret: secrets.sessionSecret })}`;

  const first = await fetch(`${base}/api/dashboards/vange`, { headers: { cookie } });
  const body = (await first.json()) as { state?: string; options?: { years: number[]; districts: string[] } };
  if (first.status !== 200 || body.state !== "ready")
    throw new Error(`the dashboard endpoint answered ${first.status} ${JSON.stringify(body).slice(0, 200)}`);
  const paths = [
    "/api/dashboards/vange",
    ...body.options!.years.map((y) => `/api/dashboards/vange?year=${y}`),
    ...body.options!.districts.slice(0, 3).map((d) => `/api/dashboards/vange?district=${d}`),
    "/api/dashboards/vange/csv?table=gld-oa",
  ];
  const sizes = await Promise.all(paths.map(async (p) => (await (await fetch(`${base}${p}`, { headers: { cookie } })).arrayBuffer()).byteLength));
  log(`response sizes (bytes): ${paths.map((p, i) => `${p} ${sizes[i]}`).join(", ")}`);
  const requests = paths.map((p) => ({ method: "GET", path: p }));
  // Every answered request must have left its access event: counted here, checked at the end.
  let answered = 1 + paths.length;
  if (warmup > 0) {
    log(`warming up for ${warmup} s (not measured)…`);
    await new Promise<AutocannonResult>((resolve, reject) => {
      const instance = autocannon({ url: base, connections, duration: warmup, headers: { cookie }, requests }, (err, res) =>
        err ? reject(err) : resolve(res),
      );
      instance.on("response", (_client, statusCode) => {
        if (statusCode >= 200 && statusCode <= 299) answered++;
      });
    });
  }
  log(`loading ${paths.length} endpoints with ${connections} connections for ${seconds} s…`);

  const latencies: number[] = [];
  let non2xx = 0;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon({ url: base, connections, duration: seconds, headers: { cookie }, requests }, (err, res) =>
      err ? reject(err) : resolve(res),
    );
    instance.on("response", (_client, statusCode, _bytes, ms) => {
      latencies.push(ms);
      if (statusCode < 200 || statusCode > 299) non2xx++;
      else answered++;
    });
  });
  const audited = await withContext({ kind: "system", purpose: "bench" }, (tx) =>
    tx.auditEvent.count({ where: { actorUserId: userId, action: { in: ["dashboard.view", "dashboard.export"] } } }),
  );
  // Requests still in flight when the load stops may be recorded without being counted here.
  if (audited < answered) throw new Error(`${answered} requests were answered but only ${audited} access events were recorded`);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  console.log(
    JSON.stringify({
      bench: "dashboard",
      endpoints: paths.length,
      connections,
      seconds,
      warmupSeconds: warmup,
      requests: latencies.length,
      requestsPerSec: Math.round(result.requests.average),
      meanResponseKB: Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length / 102.4) / 10,
      p50Ms: Math.round(pct(50)),
      p95Ms: Math.round(pct(95)),
      p99Ms: Math.round(pct(99)),
      non2xx,
      errors: result.errors,
      // Access events the server recorded for the benchmark's researcher, warm-up included.
      answeredRequests: answered,
      auditedRequests: audited,
      targetP95Ms: 150,
    }),
  );
} finally {
  await closeDatabase().catch(() => {});
  portal.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  fs.rmSync(work, { recursive: true, force: true });
}
