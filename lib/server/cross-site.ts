// Cross-site request forgery, refused at the one door every request comes through (the Node
// server in scripts/start.ts, via lib/server/request-listener.ts) rather than route by route.
// Browsers send Origin on every cross-origin request and on every POST, and Sec-Fetch-Site on
// every request; a client that sends neither is not a browser, and so cannot be made to carry
// a victim's cookies by another site.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

export interface RequestFacts {
  method: string;
  origin: string | undefined;
  secFetchSite: string | undefined;
}

export type CrossSiteVerdict = { ok: true } | { ok: false; reason: "foreign_origin" | "opaque_origin" | "cross_site_fetch"; from: string | null };

/**
 * Whether a request may change state: safe methods always; others only from the portal's own
 * origin (scheme, host and port: another port of the same host is another site's page).
 */
export function crossSiteVerdict(req: RequestFacts, portalOrigin: string): CrossSiteVerdict {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return { ok: true };
  const origin = req.origin?.trim();
  if (origin) {
    if (origin === "null") return { ok: false, reason: "opaque_origin", from: null };
    let normalised: string | null = null;
    try {
      normalised = new URL(origin).origin;
    } catch {
      normalised = null;
    }
    if (normalised !== portalOrigin) return { ok: false, reason: "foreign_origin", from: normalised ?? origin.slice(0, 200) };
    // Origin matches; a Sec-Fetch-Site saying otherwise is still refused.
  }
  const site = req.secFetchSite?.trim().toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return { ok: false, reason: "cross_site_fetch", from: origin ?? null };
  return { ok: true };
}

export const CROSS_SITE_MESSAGE =
  "This request came from a page that is not part of the Essex Data Platform, so it was refused and nothing was changed. " +
  "If you meant to do this, open the portal in your browser and do it from there.";
