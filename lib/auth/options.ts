import "server-only";
import type { NextAuthOptions } from "next-auth";
import { recordAudit } from "@/lib/audit/record";
import { withContext } from "@/lib/db/tenant";
import { safeCallbackPath } from "./callback-path";
import { discoveryUrl, PROVIDER_ID, relyingPartyConfig } from "./config";
import { ABSOLUTE_TIMEOUT_MS, endPortalSession, startPortalSession } from "./session";
import { decideSignIn, type IdTokenClaims } from "./sign-in";
import { sessionSecret } from "@/lib/env";

declare module "next-auth" {
  interface Session {
    /** The portal_session row; everything else about the user is read from the database. */
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

async function recordRefusal(claims: IdTokenClaims, reason: string) {
  await withContext({ kind: "system", purpose: "sign-in" }, (tx) =>
    recordAudit(tx, {
      action: "auth.sign_in",
      outcome: "denied",
      actor: { label: `oidc:${typeof claims.sub === "string" ? claims.sub : "unknown"}` },
      details: { reason, issuer: typeof claims.iss === "string" ? claims.iss : null },
    }),
  );
}

/**
 * next-auth's configuration, built per call because it depends on the environment the custom
 * server sets before Next.js starts (PUBLIC_URL, the bundled client secret).
 */
export function authOptions(): NextAuthOptions {
  const cfg = relyingPartyConfig();
  return {
    secret: sessionSecret(),
    session: { strategy: "jwt", maxAge: ABSOLUTE_TIMEOUT_MS / 1000 },
    pages: { signIn: "/signin", error: "/signin/error", signOut: "/signin" },
    providers: [
      {
        id: PROVIDER_ID,
        name: cfg.bundled ? "Essex Data Platform sign-in" : "your organisation's sign-in",
        type: "oauth",
        wellKnown: discoveryUrl(cfg.issuer),
        clientId: cfg.clientId,
        clientSecret: cfg.clientSecret,
        client: { token_endpoint_auth_method: "client_secret_basic" },
        checks: ["pkce", "state", "nonce"],
        idToken: true,
        // Every portal sign-in is a fresh authentication with both factors: an identity-provider
        // session left over from earlier must not outlive the portal's own idle limit.
        authorization: { params: { scope: "openid email profile", prompt: "login" } },
        httpOptions: { timeout: 10_000 },
        profile(profile: Record<string, unknown>) {
          return {
            id: String(profile.sub),
            email: typeof profile.email === "string" ? profile.email : null,
            name: typeof profile.name === "string" ? profile.name : null,
          };
        },
      },
    ],
    events: {
      // next-auth's own POST /api/auth/signout only clears the cookie; a copy of the cookie
      // would still name a live portal session. Ending the session here covers that path too.
      async signOut({ token }) {
        const sid = (token as { sid?: unknown } | null)?.sid;
        if (typeof sid === "string") await endPortalSession(sid);
      },
    },
    callbacks: {
      async signIn({ profile }) {
        const claims = (profile ?? {}) as IdTokenClaims;
        const decision = await decideSignIn(claims, cfg);
        if (decision.ok) return true;
        await recordRefusal(claims, decision.page);
        return decision.page;
      },
      async jwt({ token, account, profile }) {
        if (account && profile) {
          const claims = profile as IdTokenClaims;
          const decision = await decideSignIn(claims, cfg);
          if (!decision.ok) return {};
          const sid = await startPortalSession({
            userId: decision.userId,
            issuer: typeof claims.iss === "string" ? claims.iss : cfg.issuer,
            subject: String(claims.sub),
            acr: typeof claims.acr === "string" ? claims.acr : null,
            amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
            idToken: account.id_token ?? null,
          });
          // Only the session id travels in the cookie; name, role and organisation are read
          // from the database on every request so that changes apply at once.
          return { sid };
        }
        return token;
      },
      async session({ session, token }) {
        return { expires: session.expires, sid: token.sid };
      },
      async redirect({ url, baseUrl }) {
        // The same rule as /signin's callbackUrl: only a path on this origin, as the browser
        // would read it (lib/auth/callback-path.ts).
        let target: URL;
        try {
          target = new URL(url, baseUrl);
        } catch {
          return baseUrl;
        }
        if (target.origin !== new URL(baseUrl).origin) return baseUrl;
        return new URL(safeCallbackPath(`${target.pathname}${target.search}${target.hash}`), baseUrl).toString();
      },
    },
  };
}
