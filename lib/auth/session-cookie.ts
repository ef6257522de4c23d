import "server-only";
import { cookies } from "next/headers";
import { decode } from "next-auth/jwt";
import { sessionCookieName } from "./next-auth-cookies";
import { sessionSecret } from "@/lib/env";

/*
 * next-auth's session cookie carries only the portal session id (lib/auth/options.ts); the
 * portal_session row decides whether that session is live, so the cookie just has to be
 * authentic. getServerSession() would also re-issue the cookie on every request (a sliding
 * expiry the portal does not use: portal_session enforces its own idle and absolute limits),
 * costing a second key derivation and encryption and a Set-Cookie on every response. Here the
 * cookie is only decrypted, and a token that decrypted is remembered, by its exact text, until
 * it expires: an altered or forged token is never the same text, so it is always decrypted and
 * refused. Measured under load in docs/performance.md (dashboards).
 */
const REMEMBERED = 5_000;
const g = globalThis as unknown as { __portalTokens?: Map<string, { sid: string; expiresAtMs: number }> };
const remembered = (g.__portalTokens ??= new Map());

/** The cookie's value, reassembled when next-auth split a large one into `name.0`, `name.1`, … */
async function sessionToken(): Promise<string | undefined> {
  const name = sessionCookieName();
  const jar = await cookies();
  const whole = jar.get(name)?.value;
  if (whole) return whole;
  const chunks = jar
    .getAll()
    .filter((c) => c.name.startsWith(`${name}.`) && /^\d+$/.test(c.name.slice(name.length + 1)))
    .sort((a, b) => Number(a.name.slice(name.length + 1)) - Number(b.name.slice(name.length + 1)));
  return chunks.length > 0 ? chunks.map((c) => c.value).join("") : undefined;
}

/** The portal session id of this request's session cookie, or undefined (none, expired, not authentic). */
export async function sessionIdFromCookie(): Promise<string | undefined> {
  const token = await sessionToken();
  const secret = sessionSecret();
  return token && secret ? sessionIdFromToken(token, secret) : undefined;
}

/** The portal session id inside a next-auth session token, or undefined. */
export async function sessionIdFromToken(token: string, secret: string, now = Date.now()): Promise<string | undefined> {
  const known = remembered.get(token);
  if (known) {
    if (known.expiresAtMs > now) return known.sid;
    remembered.delete(token);
    return undefined;
  }
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret });
  } catch {
    // Tampered, encrypted under a rotated secret, or expired: the same as no session.
    return undefined;
  }
  const sid = payload?.sid;
  const exp = typeof payload?.exp === "number" ? payload.exp * 1000 : 0;
  if (typeof sid !== "string" || exp <= now) return undefined;
  remembered.set(token, { sid, expiresAtMs: exp });
  if (remembered.size > REMEMBERED) remembered.delete(remembered.keys().next().value!);
  return sid;
}
