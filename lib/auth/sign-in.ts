import "server-only";
import { withContext } from "@/lib/db/tenant";
import type { RelyingPartyConfig } from "./config";
import { isUuid } from "@/lib/ids";

export interface IdTokenClaims {
  iss?: unknown;
  sub?: unknown;
  acr?: unknown;
  amr?: unknown;
  [k: string]: unknown;
}

/** RFC 8176 methods that are a second factor on their own terms. */
const SECOND_FACTOR_AMR = new Set(["otp", "mfa"]);

/**
 * Whether the ID token proves two factors: `amr` names one, or `acr` reaches the configured
 * level. All-numeric OIDC_REQUIRED_ACR values (Keycloak's levels of assurance) set a minimum;
 * otherwise the `acr` must be one of the values listed.
 */
export function hasTwoFactorEvidence(claims: IdTokenClaims, requiredAcr: readonly string[]): boolean {
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((m): m is string => typeof m === "string") : [];
  if (amr.some((m) => SECOND_FACTOR_AMR.has(m))) return true;
  if (requiredAcr.length === 0 || typeof claims.acr !== "string" || claims.acr === "") return false;
  const acr = claims.acr;
  const numeric = (v: string) => /^\d+(\.\d+)?$/.test(v);
  if (requiredAcr.every(numeric) && numeric(acr)) {
    return Number(acr) >= Math.min(...requiredAcr.map(Number));
  }
  return requiredAcr.includes(acr);
}

export type SignInDecision =
  | { ok: true; userId: string }
  | { ok: false; page: "/signin/refused?reason=second-factor" | "/signin/not-registered" | "/signin/refused?reason=disabled" };

/**
 * Maps an ID token to a portal account. The bundled provider's `sub` is the account id; an
 * external issuer's `sub` must have been recorded on the account by an administrator. Nobody
 * is created on the fly: an unknown subject never gets access.
 */
export async function decideSignIn(claims: IdTokenClaims, cfg: Pick<RelyingPartyConfig, "bundled" | "requiredAcr">): Promise<SignInDecision> {
  if (!hasTwoFactorEvidence(claims, cfg.requiredAcr)) return { ok: false, page: "/signin/refused?reason=second-factor" };
  const sub = typeof claims.sub === "string" ? claims.sub : "";
  if (!sub) return { ok: false, page: "/signin/not-registered" };
  if (cfg.bundled && !isUuid(sub)) return { ok: false, page: "/signin/not-registered" };
  const user = await withContext({ kind: "system", purpose: "sign-in" }, (tx) =>
    tx.user.findUnique({ where: cfg.bundled ? { id: sub } : { externalSubject: sub }, include: { organisation: true } }),
  );
  if (!user) return { ok: false, page: "/signin/not-registered" };
  if (!user.active || !user.organisation.active) return { ok: false, page: "/signin/refused?reason=disabled" };
  return { ok: true, userId: user.id };
}
