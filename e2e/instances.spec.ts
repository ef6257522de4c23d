// Two portal instances on one database (issue 16): a second `npm start` on the same data folder
// joins the running PostgreSQL, as a second machine behind a load balancer would join a shared one.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { portalDatabase, signIn } from "./support/auth";

test.describe.configure({ timeout: 300_000 });

const first = Number(process.env.E2E_PORT ?? 3100);
const second = first + 1;
const dataDir = process.env.E2E_DATA_DIR ?? ".data/e2e";
let other: ChildProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  other = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/start.ts"], {
    env: { ...process.env, PORT: String(second), PORTAL_DATA_DIR: dataDir, NODE_ENV: "production" },
    stdio: "ignore",
  });
  const deadline = Date.now() + 240_000;
  for (;;) {
    const ok = await fetch(`http://localhost:${second}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the second portal instance did not start");
    await new Promise((r) => setTimeout(r, 1000));
  }
});

test.afterAll(async () => {
  if (!other) return;
  const exited = new Promise((r) => other!.once("exit", r));
  other.kill("SIGTERM");
  await exited;
});

const HB_HEADER =
  "address_key,council_tax_band,council_tax_reduction_pct,council_tax_reduction_gbp,housing_benefit_gbp,tenure,arrears_gbp," +
  "social_housing,child_benefit,child_tax_credits,lone_parent_premium,incapacity_benefit,long_term_family_premium," +
  "employment_income_gross_weekly,employment_income_net_weekly,self_employment_income_gross_weekly,self_employment_income_net_weekly," +
  "earned_income_disregard_weekly,childcare_disregard_weekly";
const housing = (rows: number) =>
  [
    HB_HEADER,
    ...Array.from({ length: rows }, () => `${randomBytes(32).toString("hex")},C,25,312.50,1820.00,social_rented,,Y,Y,N,N,N,N,250.00,200.00,,,20.00,`),
  ].join("\n") + "\n";

test("a session made on one instance works on the other; uploads to both at once load; each matching job runs once", async ({ page }) => {
  const since = new Date();
  await signIn(page, "partner_analyst");
  // Same browser, other instance: the session lives in the shared database, not in a process.
  await page.goto(`http://localhost:${second}/uploads`);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();

  const upload = (port: number, rows: number) =>
    page.request.post(`http://localhost:${port}/api/uploads?dataset=housing-benefits&filename=instances-${port}.csv`, {
      headers: { "content-type": "text/csv", origin: `http://localhost:${port}`, "sec-fetch-site": "same-origin" },
      data: housing(rows),
      timeout: 120_000,
    });
  const [a, b] = await Promise.all([upload(first, 400), upload(second, 300)]);
  for (const [res, rows] of [
    [a, 400],
    [b, 300],
  ] as const) {
    expect(res.status()).toBe(200);
    const events = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; result?: { status: string; rowsLoaded: number } });
    const result = events.find((e) => e.type === "result")?.result;
    expect(result, JSON.stringify(events.at(-1))).toMatchObject({ status: "loaded", rowsLoaded: rows });
  }

  // Each upload queued a matching run from its own instance; both instances run workers. Every run
  // requested since is worked exactly once, by one worker.
  const db = await portalDatabase();
  try {
    await expect
      .poll(
        async () =>
          (
            await db.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM matching_run WHERE created_at >= $1 AND status NOT IN ('succeeded', 'failed')",
              [since],
            )
          ).rows[0]!.n,
        { timeout: 240_000, intervals: [1000] },
      )
      .toBe(0);
    const runs = (
      await db.query<{ id: string; attempts: number; status: string }>("SELECT id, attempts, status FROM matching_run WHERE created_at >= $1", [
        since,
      ])
    ).rows;
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) expect(r).toMatchObject({ attempts: 1, status: "succeeded" });
    const done = await db.query<{ target_id: string; n: number }>(
      `SELECT target_id, count(*)::int AS n FROM audit_event WHERE action = 'matching.run' AND outcome = 'success' AND target_id = ANY ($1) GROUP BY target_id`,
      [runs.map((r) => r.id)],
    );
    expect(done.rows.map((r) => r.n)).toEqual(runs.map(() => 1));
  } finally {
    await db.end();
  }
});
