import "server-only";
import { localSecret } from "@/lib/db/secrets";
import { dataDir, processEnvironment, publicUrl } from "@/lib/env";

/** The client the portal registers with the bundled identity provider. */
export const BUNDLED_CLIENT_ID = "essex-data-portal";
/** next-auth's provider id: the callback URL is /api/auth/callback/<id>. */
export const PROVIDER_ID = "portal-oidc";

export interface RelyingPartyConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The bundled provider: accounts are portal users and `sub` is the account id. */
  bundled: boolean;
  requiredAcr: string[];
  publicUrl: string;
}

// The public URL and the data folder are decided in one place, lib/env.ts.
export { dataDir, publicUrl };

export function bundledIssuer(base = publicUrl()): string {
  return `${base}/oidc`;
}

/** The portal's client secret at the bundled provider, generated once and kept with the local secrets. */
const secrets = new Map<string, string>();

// Read once per data folder: every request builds next-auth's options, and the file does not
// change while the process runs.
export function bundledClientSecret(dir = dataDir()): string {
  let s = secrets.get(dir);
  if (!s) {
    s = localSecret(dir, "idp-portal-client-secret");
    secrets.set(dir, s);
  }
  return s;
}

export function usesBundledProvider(env: Record<string, string | undefined> = processEnvironment()): boolean {
  return !env.OIDC_ISSUER?.trim();
}

export function relyingPartyConfig(env: Record<string, string | undefined> = processEnvironment()): RelyingPartyConfig {
  const base = publicUrl();
  const requiredAcr = (env.OIDC_REQUIRED_ACR ?? "").split(/[\s,]+/).filter(Boolean);
  if (usesBundledProvider(env)) {
    return {
      issuer: bundledIssuer(base),
      clientId: BUNDLED_CLIENT_ID,
      clientSecret: bundledClientSecret(),
      bundled: true,
      requiredAcr,
      publicUrl: base,
    };
  }
  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!clientId || !clientSecret) {
    throw new Error("OIDC_ISSUER is set, so OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set too.");
  }
  return { issuer: env.OIDC_ISSUER!.trim(), clientId, clientSecret, bundled: false, requiredAcr, publicUrl: base };
}

export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
}
