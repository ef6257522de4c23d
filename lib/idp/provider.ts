import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { BUNDLED_CLIENT_ID, PROVIDER_ID, bundledClientSecret, bundledIssuer, dataDir, publicUrl } from "@/lib/auth/config";
import { localSecret } from "@/lib/db/secrets";
import { withContext } from "@/lib/db/tenant";
import { PostgresAdapter } from "./adapter";
import { loadSigningKeys } from "./keys";
import { errorPage, loggedOutPage, logoutPage } from "./pages";
import { errFields, log } from "@/lib/log";
import { isUuid } from "@/lib/ids";

/**
 * The `acr` the bundled provider asserts: password and a one-time code were both checked
 * (OpenID Provider Authentication Policy Extension, multi-factor).
 */
export const ACR_MULTI_FACTOR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
/** RFC 8176 authentication method references for a password plus a TOTP or recovery code. */
export const AMR_PASSWORD_AND_OTP = ["pwd", "otp"];

export const INTERACTION_TTL_SECONDS = 30 * 60;
const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface ProviderOptions {
  issuer: string;
  /** Base URL of the portal, where interaction pages live. */
  portalUrl: string;
  clients: NonNullable<Configuration["clients"]>;
  cookieKeys: string[];
}

async function findAccount(_ctx: KoaContextWithOIDC, sub: string) {
  if (!isUuid(sub)) return undefined;
  const user = await withContext({ kind: "system", purpose: "identity-provider" }, (tx) =>
    tx.user.findUnique({ where: { id: sub }, include: { organisation: true } }),
  );
  // A disabled account or organisation gets no tokens, even mid-flow.
  if (!user || !user.active || !user.organisation.active) return undefined;
  return {
    accountId: user.id,
    claims: () => ({ sub: user.id, email: user.email, email_verified: true, name: user.displayName }),
  };
}

export async function createProvider(opts: ProviderOptions): Promise<Provider> {
  const keys = await loadSigningKeys();
  const secure = opts.issuer.startsWith("https://");
  const cookie = { httpOnly: true, sameSite: "lax", signed: true, secure };
  const provider = new Provider(opts.issuer, {
    adapter: PostgresAdapter,
    clients: opts.clients,
    findAccount,
    jwks: { keys },
    cookies: { keys: opts.cookieKeys, long: cookie, short: cookie },
    scopes: ["openid", "email", "profile"],
    // acr, amr and auth_time are what a relying party's two-factor check reads
    // (lib/auth/sign-in.ts). oidc-provider releases acr only when asked for (acr_values or the
    // claims parameter); tying all three to the openid scope puts them in every ID token.
    claims: {
      acr: null,
      amr: null,
      auth_time: null,
      sid: null,
      iss: null,
      openid: ["sub", "acr", "amr", "auth_time"],
      email: ["email", "email_verified"],
      profile: ["name"],
    },
    // The portal maps users by `sub` and logs the e-mail; it needs no userinfo round trip.
    conformIdTokenClaims: false,
    acrValues: [ACR_MULTI_FACTOR],
    responseTypes: ["code"],
    pkce: { required: () => true },
    clientDefaults: {
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "RS256",
      require_auth_time: true,
    },
    issueRefreshToken: async () => false,
    interactions: {
      url: async (_ctx: unknown, interaction: { uid: string }) => `${opts.portalUrl}/signin/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => {
          ctx.type = "html";
          ctx.body = logoutPage(opts.portalUrl, form);
        },
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => {
          ctx.type = "html";
          ctx.body = loggedOutPage(opts.portalUrl);
        },
      },
    },
    // Every client is the portal or a first-party tool: no consent screen. The grant is made
    // here once the user has authenticated (the pattern oidc-provider documents for this).
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const clientId = ctx.oidc.client!.clientId;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      Grant: SESSION_TTL_SECONDS,
    },
    renderError: async (ctx: KoaContextWithOIDC, out: { error?: unknown; error_description?: unknown }) => {
      ctx.type = "html";
      ctx.body = errorPage(opts.portalUrl, out);
    },
  });
  // Behind a TLS-terminating proxy the provider must trust X-Forwarded-Proto to build https URLs.
  provider.proxy = secure;
  provider.on("server_error", (_ctx: unknown, err: unknown) => {
    log({ component: "identity-provider" }).error(errFields(err), "server error");
  });
  return provider;
}

/** The portal's own client at the bundled provider. */
export function portalClient(base = publicUrl()) {
  return {
    client_id: BUNDLED_CLIENT_ID,
    client_secret: bundledClientSecret(),
    client_name: "Essex Data Platform portal",
    redirect_uris: [`${base}/api/auth/callback/${PROVIDER_ID}`],
    post_logout_redirect_uris: [`${base}/signed-out`],
  };
}

function cookieKeys(): string[] {
  // Space-separated in the local secrets, newest first: prepend a key to rotate, drop the last
  // once a day has passed (see docs/decisions/040-identity-provider.md).
  return localSecret(dataDir(), "idp-cookie-keys").split(/\s+/).filter(Boolean);
}

// One provider per process. The custom server (mount) and the Next.js bundles (interaction
// pages) load this module separately, so the instance lives on globalThis.
const g = globalThis as unknown as { __portalIdp?: { issuer: string; provider: Promise<Provider> } };

export function getProvider(): Promise<Provider> {
  const base = publicUrl();
  const issuer = bundledIssuer(base);
  // The public URL is fixed for the life of the process, so the first instance (or the one a
  // test installed with installProvider) stays.
  if (!g.__portalIdp) {
    const provider = createProvider({ issuer, portalUrl: base, clients: [portalClient(base)], cookieKeys: cookieKeys() });
    provider.catch(() => {
      if (g.__portalIdp?.provider === provider) g.__portalIdp = undefined;
    });
    g.__portalIdp = { issuer, provider };
  }
  return g.__portalIdp!.provider;
}

/** Rebuilds the provider (after a signing-key rotation); state lives in the database. */
export async function reloadProvider(): Promise<void> {
  g.__portalIdp = undefined;
  await getProvider();
}

/** For tests that build their own provider: makes getProvider() return it. */
export function installProvider(issuer: string, provider: Provider): void {
  g.__portalIdp = { issuer, provider: Promise.resolve(provider) };
}

const callbacks = new WeakMap<Provider, (req: IncomingMessage, res: ServerResponse) => void>();

/** Serves a request under `prefix` (e.g. "/oidc") with the provider, as a connect-style mount. */
export async function handleProviderRequest(provider: Provider, prefix: string, req: IncomingMessage, res: ServerResponse) {
  let cb = callbacks.get(provider);
  if (!cb) {
    cb = provider.callback();
    callbacks.set(provider, cb);
  }
  const original = req.url ?? "/";
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
  req.url = original.slice(prefix.length) || "/";
  if (!req.url.startsWith("/")) req.url = `/${req.url}`;
  await new Promise<void>((resolve) => {
    res.once("finish", resolve);
    res.once("close", resolve);
    cb!(req, res);
  });
}
