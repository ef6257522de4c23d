import "server-only";
import path from "node:path";
import { z } from "zod";

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional())
  .optional();

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    /** Owner/migration connection. Unset: an embedded PostgreSQL under PORTAL_DATA_DIR. */
    DATABASE_URL: optionalUrl,
    /** Connection as the application role. Unset: derived from DATABASE_URL with the portal_app role. */
    DATABASE_APP_URL: optionalUrl,
    PORTAL_DATA_DIR: z.string().min(1).default(".data"),
    /** Public base URL of the portal, used for OIDC redirects and links. */
    PUBLIC_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    EMBEDDED_PG_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1024).max(65535).optional()),
    DEMO_DATA: z.preprocess(emptyToUndefined, z.enum(["on", "off"]).default("on")),
    LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
    /** Encrypts SFTP passwords and private keys at rest. Unset: generated once, kept in PORTAL_DATA_DIR/secrets.json. */
    SFTP_CREDENTIAL_KEY: z.preprocess(emptyToUndefined, z.string().min(16, { error: "use at least 16 characters" }).optional()),
    /**
     * OpenID Connect issuer the portal signs users in with (a council's Keycloak realm URL, say).
     * Unset: the identity provider bundled with the portal, served at PUBLIC_URL/oidc.
     */
    OIDC_ISSUER: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
    OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    /**
     * `acr` values that count as two-factor evidence, space-separated (all numeric: a minimum level).
     * Unset: the ID token's `amr` must contain `otp` or `mfa`.
     */
    OIDC_REQUIRED_ACR: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
    /**
     * The mail server every notice is sent through, e.g. `smtps://user:password@smtp.example.org:465`
     * or `smtp://relay.internal:25`. Unset: `npm start` runs an embedded SMTP server on loopback that
     * keeps what it receives for the administrators' "Sent mail" page.
     */
    SMTP_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^smtps?$/, error: "must be an smtp:// or smtps:// URL" }).optional()),
    /** The From: of every notice. Unset: `Essex Data Platform <no-reply@…>` on PUBLIC_URL's host. */
    MAIL_FROM: z.preprocess(emptyToUndefined, z.string().min(3).optional()),
    /**
     * Failed password attempts allowed in 15 minutes from one client address, and from all
     * together, before sign-in is refused for the rest of the window (decision 083)…
     */
    SIGN_IN_LIMIT_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(20)),
    SIGN_IN_LIMIT_GLOBAL: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(300)),
    /** …and the same for authenticator and recovery codes. */
    CODE_LIMIT_PER_ADDRESS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(10)),
    CODE_LIMIT_GLOBAL: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).default(200)),
  })
  .superRefine((e, ctx) => {
    // An external issuer without its client credentials would fail only at the first sign-in.
    if (e.OIDC_ISSUER) {
      for (const key of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"] as const) {
        if (!e[key]) ctx.addIssue({ code: "custom", path: [key], message: `is required when OIDC_ISSUER is set` });
      }
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EnvError";
  }
}

/** Parses the environment, listing every bad variable at once rather than failing on the first. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

// Values the start-up decides and publishes for the rest of the process (scripts/start.ts sets
// DATABASE_APP_URL, PORTAL_DATA_DIR, PUBLIC_URL and the session secret after preparing the
// database; tests set a data folder of their own). They are read live here rather than from the
// cache above, and this module is the only one that reads or writes the process environment.

function live(name: string): string | undefined {
  const v = process.env[name];
  return v === undefined || v.trim() === "" ? undefined : v;
}

/** Publishes values decided at start-up to the rest of the process (and to child processes). */
export function publishEnv(values: Record<string, string | undefined>, opts: { keepExisting?: boolean } = {}): void {
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || (opts.keepExisting && live(k) !== undefined)) continue;
    process.env[k] = v;
  }
}

/** The portal's public base URL without a trailing slash (OIDC redirects, links, cookie security). */
export function publicUrl(): string {
  const url = live("PUBLIC_URL") ?? live("NEXTAUTH_URL") ?? `http://localhost:${live("PORT") ?? 3000}`;
  return url.replace(/\/+$/, "");
}

/** PUBLIC_URL as configured, if it is (the proxy falls back to the request's own origin). */
export function publicUrlIfSet(): string | undefined {
  return live("PUBLIC_URL");
}

/** The one rule for cookie security: Secure (and the __Host-/__Secure- names) when the portal is served over https. */
export function secureCookies(): boolean {
  return publicUrl().startsWith("https://");
}

/** The data folder (embedded PostgreSQL, stored files, local secrets): PORTAL_DATA_DIR, empty or unset meaning `.data`. */
export function dataDir(): string {
  return path.resolve(live("PORTAL_DATA_DIR") ?? ".data");
}

/** The application role's connection URL, published by the start-up. */
export function appDatabaseUrl(): string | undefined {
  return live("DATABASE_APP_URL");
}

export function databasePoolSize(): number {
  const n = Number(live("DATABASE_POOL_SIZE") ?? 20);
  return Number.isInteger(n) && n > 0 ? n : 20;
}

/** next-auth's secret (session token, CSRF cookie), published by the start-up from the local secrets. */
export function sessionSecret(): string | undefined {
  return live("NEXTAUTH_SECRET");
}

/** An external OpenID Connect issuer, if the portal signs in through one. */
export function oidcIssuer(): string | undefined {
  return live("OIDC_ISSUER");
}

export function isDevelopment(): boolean {
  return process.env.NODE_ENV === "development";
}

/** A copy of the whole environment: for child processes, and for configuration read as a record. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}
