import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContextClient } from "@/lib/db/tenant";
import { authenticatePassword, verifySecondFactor } from "@/lib/idp/accounts";
import { refusalMessage, SIGN_IN_FAILED } from "@/lib/idp/interactions";
import { SignInThrottle, type ThrottleLimits } from "@/lib/idp/throttle";
import { createAccount, temporaryDataDir } from "./helpers";

// Issue 9: lockout was per account only, so one password tried against every account (from
// one address or many) was never slowed down. Each test has its own counters (a prefix of its
// own) and small limits; the product's defaults are 20/300 passwords and 10/200 codes.

temporaryDataDir();
afterAll(closeDatabase);

const WINDOW = 15 * 60;
function throttle(password: Partial<ThrottleLimits>, code: Partial<ThrottleLimits> = {}) {
  const base = { perAddress: 1000, global: 1000, windowSeconds: WINDOW };
  return new SignInThrottle({ password: { ...base, ...password }, code: { ...base, ...code } }, `test-${randomUUID()}`);
}
const nobody = () => `nobody-${randomUUID()}@nowhere.example`;

describe("sign-in throttling", () => {
  it("refuses a client address after too many failures, across accounts, and says how long to wait", async () => {
    const t = throttle({ perAddress: 3 });
    const { user, password } = await createAccount();
    const sprayer = "203.0.113.7";
    // One guess on each of three accounts (two unknown): no account reaches its own lockout.
    for (const email of [nobody(), user.email, nobody()]) {
      expect(await authenticatePassword(email, "Summer-2024-guess!", new Date(), sprayer, t)).toEqual({ ok: false, refusal: { kind: "failed" } });
    }
    // Now even the right password is not checked from that address.
    const refused = await authenticatePassword(user.email, password, new Date(), sprayer, t);
    expect(refused).toMatchObject({ ok: false, refusal: { kind: "throttled", scope: "address" } });
    const wait = (refused as { refusal: { retryAfterMs: number } }).refusal.retryAfterMs;
    expect(wait).toBeGreaterThan(14 * 60_000);
    expect(wait).toBeLessThanOrEqual(WINDOW * 1000);
    expect(refusalMessage((refused as Extract<typeof refused, { ok: false }>).refusal, SIGN_IN_FAILED)).toBe(
      "Too many failed sign-in attempts have come from your network. Try again in 15 minutes.",
    );
    // Another address is not affected.
    expect(await authenticatePassword(user.email, password, new Date(), "198.51.100.20", t)).toMatchObject({ ok: true });
  });

  it("refuses everyone for a while when failures from many addresses pass the overall limit", async () => {
    const t = throttle({ perAddress: 100, global: 4 });
    for (let i = 1; i <= 4; i++) {
      expect((await authenticatePassword(nobody(), "Winter-2025-guess!", new Date(), `192.0.2.${i}`, t)).ok).toBe(false);
    }
    const { user, password } = await createAccount();
    const refused = await authenticatePassword(user.email, password, new Date(), "192.0.2.99", t);
    expect(refused).toMatchObject({ ok: false, refusal: { kind: "throttled", scope: "global" } });
    expect(refusalMessage((refused as Extract<typeof refused, { ok: false }>).refusal, SIGN_IN_FAILED)).toMatch(
      /because of a large number of failed attempts\. Try again in 15 minutes\.$/,
    );
  });

  it("throttles authenticator codes per address as well", async () => {
    const t = throttle({}, { perAddress: 2 });
    const a = await createAccount();
    const b = await createAccount();
    expect(await verifySecondFactor(a.user.id, "000000", new Date(), "203.0.113.50", t)).toEqual({ ok: false, refusal: { kind: "failed" } });
    expect(await verifySecondFactor(b.user.id, "000001", new Date(), "203.0.113.50", t)).toEqual({ ok: false, refusal: { kind: "failed" } });
    expect(await verifySecondFactor(b.user.id, "000002", new Date(), "203.0.113.50", t)).toMatchObject({
      ok: false,
      refusal: { kind: "throttled", scope: "address" },
    });
  });

  it("counts only failures: people who sign in correctly are never throttled", async () => {
    const t = throttle({ perAddress: 2, global: 2 });
    const { user, password } = await createAccount();
    for (let i = 0; i < 5; i++) expect((await authenticatePassword(user.email, password, new Date(), "198.51.100.7", t)).ok).toBe(true);
  });

  it("keeps counters in the migrated table, with no address in clear, and the app role cannot create tables", async () => {
    const t = throttle({ perAddress: 5 });
    await authenticatePassword(nobody(), "Autumn-2023-guess!", new Date(), "203.0.113.199", t);
    const keys = await withContextClient({ kind: "system", purpose: "test" }, (c) => c.query<{ key: string }>("SELECT key FROM rate_limit"));
    expect(keys.rows.length).toBeGreaterThan(0);
    expect(keys.rows.some((r) => r.key.includes("203.0.113.199"))).toBe(false);
    const app = new pg.Client({ connectionString: process.env.DATABASE_APP_URL });
    await app.connect();
    try {
      const r = await app.query<{ can: boolean }>("SELECT has_schema_privilege(current_user, 'public', 'CREATE') AS can");
      expect(r.rows[0]!.can).toBe(false);
      // Without the system context the table shows nothing (row-level security).
      expect((await app.query("SELECT * FROM rate_limit")).rowCount).toBe(0);
    } finally {
      await app.end();
    }
  });
});

describe("unknown e-mail addresses", () => {
  it("take as long as a known account's wrong password (the hash runs on a dummy)", async () => {
    const { user } = await createAccount();
    const t = throttle({});
    const time = async (email: string) => {
      const start = performance.now();
      await authenticatePassword(email, "not-the-password-at-all-1", new Date(), "198.51.100.99", t);
      return performance.now() - start;
    };
    await time(nobody()); // warm the dummy hash
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await time(user.email));
      unknown.push(await time(nobody()));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    // argon2id costs tens of milliseconds; skipping it for unknown addresses would halve the time or worse.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.6);
  });
});
