import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { submitCode, submitPassword, type StepResult } from "@/lib/idp/interactions";
import { ACR_MULTI_FACTOR } from "@/lib/idp/provider";
import { base32Decode, totpAt } from "@/lib/idp/totp";
import { CookieJar, createAccount, startTestIdp, temporaryDataDir, type TestIdp } from "./helpers";

temporaryDataDir();

const CLIENT = { id: "independent-rp", secret: "independent-rp-secret-0123456789", redirectUri: "http://127.0.0.1:9/callback" };

let idp: TestIdp;
beforeAll(async () => {
  idp = await startTestIdp(CLIENT);
});
afterAll(async () => {
  await idp?.close();
  await closeDatabase();
});

async function relyingParty() {
  return client.discovery(new URL(idp.issuer), CLIENT.id, undefined, client.ClientSecretBasic(CLIENT.secret), {
    // Plain HTTP on loopback for the test; signatures are checked against the JWKS as well.
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

/** Starts an authorization request and returns the interaction uid and the browser's cookies. */
async function startAuthorization(config: client.Configuration) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CLIENT.redirectUri,
    scope: "openid email profile",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    prompt: "login",
  });
  const jar = new CookieJar();
  const res = await fetch(url, { redirect: "manual" });
  jar.take(res);
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get("location")!);
  const uid = location.pathname.match(/^\/signin\/interaction\/([^/]+)$/)?.[1];
  expect(uid, `redirected to ${location}`).toBeTruthy();
  return { uid: uid!, jar, verifier, state, nonce };
}

async function followToCallback(result: StepResult, jar: CookieJar): Promise<URL> {
  expect(result.kind).toBe("redirect");
  const to = (result as { to: string }).to;
  const res = await fetch(to, { redirect: "manual", headers: { cookie: jar.header() } });
  jar.take(res);
  expect(res.status).toBe(303);
  return new URL(res.headers.get("location")!);
}

describe("the bundled identity provider, seen by an independent openid-client relying party", () => {
  it("completes discovery, code flow with PKCE and token exchange, and yields a verified two-factor ID token", async () => {
    const { user, password, secret } = await createAccount();
    const config = await relyingParty();
    expect(config.serverMetadata().issuer).toBe(idp.issuer);
    expect(config.serverMetadata().code_challenge_methods_supported).toEqual(["S256"]);

    const flow = await startAuthorization(config);
    const afterPassword = await submitPassword(flow.uid, flow.jar.header(), user.email, password);
    expect(afterPassword).toEqual({ kind: "step", step: "code" });
    const afterCode = await submitCode(flow.uid, flow.jar.header(), totpAt(base32Decode(secret!), new Date()));
    const callback = await followToCallback(afterCode, flow.jar);
    expect(callback.origin + callback.pathname).toBe(CLIENT.redirectUri);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(idp.issuer);
    expect(claims.aud).toBe(CLIENT.id);
    expect(claims.sub).toBe(user.id);
    expect(claims.nonce).toBe(flow.nonce);
    expect(claims.acr).toBe(ACR_MULTI_FACTOR);
    expect(claims.amr).toEqual(["pwd", "otp"]);
    expect(typeof claims.auth_time).toBe("number");
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(120);
  });

  it("refuses a token request without the PKCE verifier", async () => {
    const { user, password, secret } = await createAccount();
    const config = await relyingParty();
    const flow = await startAuthorization(config);
    await submitPassword(flow.uid, flow.jar.header(), user.email, password);
    const callback = await followToCallback(await submitCode(flow.uid, flow.jar.header(), totpAt(base32Decode(secret!), new Date())), flow.jar);
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: flow.state,
        expectedNonce: flow.nonce,
      }),
    ).rejects.toThrow();
  });

  it("refuses an authorization request without a PKCE challenge", async () => {
    const config = await relyingParty();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CLIENT.redirectUri, scope: "openid", state: "s", nonce: "n" });
    const res = await fetch(url, { redirect: "manual" });
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("does not go on to the second factor without the browser's interaction cookie", async () => {
    const { user, password } = await createAccount();
    const flow = await startAuthorization(await relyingParty());
    expect(await submitPassword(flow.uid, "", user.email, password)).toEqual({ kind: "expired" });
  });

  it("publishes the signing key and persists it across provider restarts", async () => {
    const first = await (await fetch(`${idp.issuer}/jwks`)).json();
    const again = await startTestIdp(CLIENT);
    try {
      const second = await (await fetch(`${again.issuer}/jwks`)).json();
      expect(second.keys.map((k: { kid: string }) => k.kid)).toEqual(first.keys.map((k: { kid: string }) => k.kid));
      expect(first.keys[0]).not.toHaveProperty("d");
    } finally {
      await again.close();
    }
    const stored = await withContext({ kind: "system", purpose: "test" }, (tx) => tx.idpSigningKey.findMany({ where: { status: "active" } }));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.privateJwk.startsWith("v1.")).toBe(true);
  });
});
