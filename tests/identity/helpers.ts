import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import * as oidc from "openid-client";
import type { Provider } from "oidc-provider";
import { withContext } from "@/lib/db/tenant";
import { confirmEnrolment, setPassword } from "@/lib/idp/accounts";
import { createProvider, handleProviderRequest, installProvider } from "@/lib/idp/provider";
import { base32Decode, newTotpSecret, totpAt } from "@/lib/idp/totp";
import type { Role } from "@/lib/generated/prisma/enums";
import { createOrganisation, createUser } from "../factories";

/**
 * Local secrets (data key, cookie keys) in a throw-away folder, never the developer's .data.
 * One folder per test database: test files share the database, so they must share the key
 * that seals what they store in it.
 */
export function temporaryDataDir(): string {
  const run = createHash("sha256")
    .update(process.env.TEST_ADMIN_URL ?? "")
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(os.tmpdir(), `portal-identity-test-${run}`);
  fs.mkdirSync(dir, { recursive: true });
  // Derived from the run, so test processes racing to create the file write the same bytes.
  const derive = (name: string) => createHash("sha256").update(`${run}:${name}`).digest("base64url");
  const secrets = {
    embeddedSuperuserPassword: derive("superuser"),
    appRolePassword: derive("app"),
    sessionSecret: derive("session"),
    extra: {
      "idp-data-key": derive("data-key"),
      "idp-cookie-keys": derive("cookie-key"),
      "idp-portal-client-secret": derive("client-secret"),
    },
  };
  try {
    fs.writeFileSync(path.join(dir, "secrets.json"), JSON.stringify(secrets, null, 2), { flag: "wx", mode: 0o600 });
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") throw e;
  }
  process.env.PORTAL_DATA_DIR = dir;
  return dir;
}

export const TEST_PASSWORD = "orbit-velvet-harbour-1987";

/** An organisation and an account with a password and, unless `enrol` is false, an authenticator. */
export async function createAccount(opts: { role?: Role; enrol?: boolean; password?: string; at?: Date } = {}) {
  const org = await createOrganisation();
  const user = await createUser(org.id, { role: opts.role ?? "partner_analyst" });
  const at = opts.at ?? new Date(Date.now() - 5 * 60 * 1000);
  const password = opts.password ?? TEST_PASSWORD;
  const set = await withContext({ kind: "system", purpose: "test" }, (tx) => setPassword(tx, user.id, password, { now: at, reason: "activated" }));
  if (!set.ok) throw new Error(`test password refused: ${set.problems.map((p) => p.message).join("; ")}`);
  let secret: string | null = null;
  if (opts.enrol !== false) {
    secret = newTotpSecret();
    const done = await confirmEnrolment(user.id, secret, totpAt(base32Decode(secret), at), at);
    if (!done.ok) throw new Error("test enrolment failed");
  }
  return { org, user, password, secret };
}

export interface TestIdp {
  issuer: string;
  base: string;
  provider: Provider;
  close(): Promise<void>;
}

/** The bundled provider on a random local port at /oidc, with one confidential test client. */
export async function startTestIdp(client: { id: string; secret: string; redirectUri: string }): Promise<TestIdp> {
  // The provider needs the issuer, which needs the port: listen first, then route to it.
  const holder: { provider?: Provider } = {};
  const server = http.createServer((req, res) => {
    if (holder.provider && (req.url ?? "").startsWith("/oidc")) {
      void handleProviderRequest(holder.provider, "/oidc", req, res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${base}/oidc`;
  const provider = await createProvider({
    issuer,
    portalUrl: base,
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        post_logout_redirect_uris: [`${base}/signed-out`],
      },
    ],
    cookieKeys: ["test-cookie-key-1"],
  });
  holder.provider = provider;
  installProvider(issuer, provider);
  return {
    issuer,
    base,
    provider,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A minimal cookie jar: enough for following the provider's redirects by hand. */
export class CookieJar {
  private cookies = new Map<string, string>();

  take(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Starts an authorization request as a browser would: the interaction uid and its cookies. */
export async function beginSignIn(idp: TestIdp, client: { id: string; secret: string; redirectUri: string }) {
  const config = await oidc.discovery(new URL(idp.issuer), client.id, undefined, oidc.ClientSecretBasic(client.secret), {
    execute: [oidc.allowInsecureRequests],
  });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope: "openid",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    prompt: "login",
  });
  const jar = new CookieJar();
  const res = await fetch(url, { redirect: "manual" });
  jar.take(res);
  const uid = new URL(res.headers.get("location")!).pathname.split("/").pop()!;
  return { uid, cookie: jar.header(), jar };
}
