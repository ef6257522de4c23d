import "server-only";
import { createHmac } from "node:crypto";
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import { withContextClient } from "@/lib/db/tenant";
import { env } from "@/lib/env";
import { sessionSecret } from "@/lib/env";

// Throttling of sign-in and code attempts (decision 083). The per-account lockout
// (lockout.ts) stops guessing one account's password; it does nothing against one password
// tried on many accounts ("spraying"), from one address or from many. So failed attempts are
// also counted per client address and over all addresses, in PostgreSQL (one count for every
// process of the portal), with rate-limiter-flexible; past a limit, attempts are refused
// before any password or code is checked, with the time to wait.

export type AttemptKind = "password" | "code";

export interface ThrottleLimits {
  /** Failed attempts one client address may make in the window… */
  perAddress: number;
  /** …and all addresses together. */
  global: number;
  windowSeconds: number;
}

const WINDOW_SECONDS = 15 * 60;

/**
 * The limits from the environment (lib/env.ts). The defaults are generous for people (a few
 * typos, a whole office behind one address) and small for a sprayer; codes get fewer tries,
 * since every code attempt follows a correct password.
 */
export function configuredLimits(): Record<AttemptKind, ThrottleLimits> {
  const e = env();
  return {
    password: { perAddress: e.SIGN_IN_LIMIT_PER_ADDRESS, global: e.SIGN_IN_LIMIT_GLOBAL, windowSeconds: WINDOW_SECONDS },
    code: { perAddress: e.CODE_LIMIT_PER_ADDRESS, global: e.CODE_LIMIT_GLOBAL, windowSeconds: WINDOW_SECONDS },
  };
}

export type ThrottleVerdict = { ok: true } | { ok: false; scope: "address" | "global"; retryAfterMs: number };

const system = { kind: "system", purpose: "sign-in-throttle" } as const;

// The library runs its statements on whatever "pool" it is given; this one runs each in the
// system context, the only one the rate_limit table's policy admits.
const contextStore = {
  query: (q: { text: string; values?: unknown[] }) =>
    withContextClient(system, (client) => client.query({ text: q.text, values: q.values as unknown[] })),
};

/** Client addresses are personal data: the table keeps a keyed hash, never the address. */
function addressKey(address: string): string {
  const key = sessionSecret() ?? "portal-throttle";
  return createHmac("sha256", key).update(address.trim().toLowerCase()).digest("base64url").slice(0, 32);
}

export class SignInThrottle {
  private readonly limiters: Record<AttemptKind, { address: RateLimiterPostgres; global: RateLimiterPostgres }>;

  /** `prefix` separates counters (tests use their own, so they never throttle each other). */
  constructor(
    private readonly limits: Record<AttemptKind, ThrottleLimits> = configuredLimits(),
    prefix = "signin",
  ) {
    const make = (kind: AttemptKind, scope: "address" | "global", points: number) =>
      new RateLimiterPostgres({
        storeClient: contextStore,
        storeType: "pool",
        tableName: "rate_limit",
        // Made by our migration: the application role has no right to create tables.
        tableCreated: true,
        // Expired rows are deleted by purgeExpiredThrottleRows, not by a library timer.
        clearExpiredByTimeout: false,
        keyPrefix: `${prefix}:${kind}:${scope}`,
        points,
        duration: this.limits[kind].windowSeconds,
      });
    this.limiters = {
      password: { address: make("password", "address", limits.password.perAddress), global: make("password", "global", limits.password.global) },
      code: { address: make("code", "address", limits.code.perAddress), global: make("code", "global", limits.code.global) },
    };
  }

  /** Before checking a password or code: may this address try now? */
  async check(kind: AttemptKind, address: string): Promise<ThrottleVerdict> {
    const l = this.limiters[kind];
    const [mine, all] = await Promise.all([l.address.get(addressKey(address)), l.global.get("all")]);
    const over = (res: RateLimiterRes | null, points: number) => !!res && res.consumedPoints >= points;
    if (over(mine, this.limits[kind].perAddress)) return { ok: false, scope: "address", retryAfterMs: Math.max(mine!.msBeforeNext, 1000) };
    if (over(all, this.limits[kind].global)) return { ok: false, scope: "global", retryAfterMs: Math.max(all!.msBeforeNext, 1000) };
    return { ok: true };
  }

  /** After a failed attempt (wrong password, unknown e-mail, wrong code): count it. */
  async fail(kind: AttemptKind, address: string): Promise<void> {
    const l = this.limiters[kind];
    // penalty() adds points without refusing: the refusal is check()'s, before the next try.
    await Promise.all([l.address.penalty(addressKey(address)), l.global.penalty("all")]);
  }
}

let shared: SignInThrottle | undefined;
/** The process's throttle with the configured limits. */
export function signInThrottle(): SignInThrottle {
  shared ??= new SignInThrottle();
  return shared;
}

/** Deletes counters that lapsed more than an hour ago (called with the provider's hourly purge). */
export async function purgeExpiredThrottleRows(now = Date.now()): Promise<number> {
  const res = await withContextClient(system, (c) => c.query("DELETE FROM rate_limit WHERE expire < $1", [now - 3_600_000]));
  return res.rowCount ?? 0;
}

/** "3 minutes", "1 minute": whole minutes, rounded up, never 0. */
export function minutesToWait(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return `${m} minute${m === 1 ? "" : "s"}`;
}
