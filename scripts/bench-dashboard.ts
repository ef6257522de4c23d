// `npm run bench:dashboard [-- --connections 50 --seconds 30]`: loads the Vange dashboard's data
// endpoints (JSON for every filter view, and a CSV export) through the real Next.js server, signed
// in as a researcher, with autocannon, and prints requests/s and p50/p95/p99 latency as one JSON
// line. Builds the web application first when the build is stale. Uses DATABASE_URL or an embedded PostgreSQL
// with the first-run demo data. A benchmark, not a test.
import fs from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRequire } from "node:module";
import next from "next";
import { encode } from "next-auth/jwt";
import { startPortalSession } from "@/lib/auth/session";
import { sessionCookieName } from "@/lib/auth/next-auth-cookies";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { findFreePort } from "@/lib/db/embedded";
import { stopJobQueue } from "@/lib/jobs/boss";
import { buildIsStale, buildPortal } from "@/lib/server/build";
import { runFirstRun } from "@/lib/setup/first-run";
import { prepareDatabase } from "@/lib/setup/prepare-database";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "50" }, seconds: { type: "string", default: "30" } },
});
const connections = Number(values.connections);
const seconds = Number(values.seconds);
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

const log = (line: string) => process.stderr.write(`[bench:dashboard] ${line}\n`);

if (buildIsStale()) {
  log("building the web application first (missing or older than the sources)…");
  await buildPortal(process.cwd(), log);
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-bench-dashboard-"));
fs.chmodSync(work, 0o755);
const db = await prepareDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: work, persistent: false, log });
const port = await findFreePort(3300);
const publicUrl = `http://localhost:${port}`;
Object.assign(process.env, {
  DATABASE_APP_URL: db.appUrl,
  PORTAL_DATA_DIR: work,
  PUBLIC_URL: publicUrl,
  NEXTAUTH_URL: publicUrl,
  NEXTAUTH_SECRET: "bench-session-secret-bench-session-secret",
});

let server: ReturnType<typeof createServer> | undefined;
try {
  log("first-run demo set-up (organisations, demo extracts, matching)…");
  await runFirstRun({ dataDir: work, log });

  // A signed-in researcher, minted the way the sign-in callback does it (portal session + JWT).
  const userId = await withContext({ kind: "system", purpose: "bench" }, async (tx) => {
    const org = await tx.organisation.findUniqueOrThrow({ where: { slug: "university-of-essex" } });
    const u = await tx.user.upsert({
      where: { email: "bench-researcher@essex-university.example" },
      create: { email: "bench-researcher@essex-university.example", displayName: "Benchmark researcher", role: "researcher", orgId: org.id },
      update: {},
    });
    return u.id;
  });
  const sid = await startPortalSession({ userId, issuer: "bench", subject: "bench", acr: "2fa", amr: ["pwd", "otp"] });
  const cookie = `${sessionCookieName()}=${await encode({ token: { sid }, secret: process.env.NEXTAUTH_SECRET! })}`;

  const app = next({ dev: false, dir: process.cwd(), port, hostname: "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server!.listen(port, resolve));

  const first = await fetch(`${publicUrl}/api/dashboards/vange`, { headers: { cookie } });
  const body = (await first.json()) as { state?: string; options?: { years: number[]; districts: string[] }; sections?: { tables: { id: string }[] }[] };
  if (first.status !== 200 || body.state !== "ready") throw new Error(`the dashboard endpoint answered ${first.status} ${JSON.stringify(body).slice(0, 200)}`);
  const paths = [
    "/api/dashboards/vange",
    ...body.options!.years.map((y) => `/api/dashboards/vange?year=${y}`),
    ...body.options!.districts.slice(0, 3).map((d) => `/api/dashboards/vange?district=${d}`),
    "/api/dashboards/vange/csv?table=gld-oa",
  ];
  log(`loading ${paths.length} endpoints with ${connections} connections for ${seconds} s…`);

  const latencies: number[] = [];
  let errors = 0;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: publicUrl,
        connections,
        duration: seconds,
        headers: { cookie },
        requests: paths.map((p) => ({ method: "GET", path: p })),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on("response", (_client, statusCode, _bytes, ms) => {
      latencies.push(ms);
      if (statusCode !== 200) errors++;
    });
  });
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? NaN;
  console.log(
    JSON.stringify({
      bench: "dashboard",
      endpoints: paths.length,
      connections,
      seconds,
      requests: latencies.length,
      requestsPerSec: Math.round(result.requests.average),
      p50Ms: Math.round(pct(50)),
      p95Ms: Math.round(pct(95)),
      p99Ms: Math.round(pct(99)),
      non2xx: errors + result.errors,
      targetP95Ms: 150,
    }),
  );
} finally {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await stopJobQueue().catch(() => {});
  await closeDatabase().catch(() => {});
  await db.stop().catch(() => {});
  fs.rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
