import "server-only";
import { discoveryUrl, relyingPartyConfig } from "./config";

let cached: { issuer: string; endpoint: string | null; at: number } | undefined;

async function endSessionEndpoint(issuer: string): Promise<string | null> {
  if (cached && cached.issuer === issuer && Date.now() - cached.at < 10 * 60 * 1000) return cached.endpoint;
  const res = await fetch(discoveryUrl(issuer), { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  const meta = (await res.json()) as { end_session_endpoint?: unknown };
  const endpoint = typeof meta.end_session_endpoint === "string" ? meta.end_session_endpoint : null;
  cached = { issuer, endpoint, at: Date.now() };
  return endpoint;
}

/**
 * Where to send the browser after the portal session has ended: the identity provider's
 * RP-initiated logout (so its session ends too), which returns to /signed-out. Falls back to
 * /signed-out directly when the provider offers no logout or cannot be reached.
 */
export async function providerLogoutUrl(idToken: string | null): Promise<string> {
  const cfg = relyingPartyConfig();
  const done = `${cfg.publicUrl}/signed-out`;
  try {
    const endpoint = await endSessionEndpoint(cfg.issuer);
    if (!endpoint) return `${done}?provider=kept`;
    const u = new URL(endpoint);
    u.searchParams.set("client_id", cfg.clientId);
    u.searchParams.set("post_logout_redirect_uri", done);
    if (idToken) u.searchParams.set("id_token_hint", idToken);
    return u.toString();
  } catch {
    return `${done}?provider=unreachable`;
  }
}
