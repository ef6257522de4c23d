import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { secureCookies, sessionSecret } from "@/lib/env";

// next-auth 4 starts an OAuth sign-in only from a POST carrying its double-submit CSRF token.
// A server-rendered /signin page cannot set that cookie itself, so /api/auth/prepare sets it
// in next-auth's own format (next-auth/core/lib/csrf-token.js) and the page reads it back.

export { secureCookies };

export function csrfCookieName(): string {
  return `${secureCookies() ? "__Host-" : ""}next-auth.csrf-token`;
}

export function sessionCookieName(): string {
  return `${secureCookies() ? "__Secure-" : ""}next-auth.session-token`;
}

function hash(token: string, secret: string) {
  return createHash("sha256").update(`${token}${secret}`).digest("hex");
}

/** The token inside a valid cookie value, or null. */
export function readCsrfCookie(value: string | undefined, secret = sessionSecret() ?? ""): string | null {
  if (!value || !secret) return null;
  const [token, digest] = value.split("|");
  if (!token || !digest || hash(token, secret) !== digest) return null;
  return token;
}

export function newCsrfCookie(secret = sessionSecret() ?? ""): { token: string; value: string } {
  const token = randomBytes(32).toString("hex");
  return { token, value: `${token}|${hash(token, secret)}` };
}
