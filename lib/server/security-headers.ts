// The security headers of every response, in one place: the Node server sets the common ones
// on everything it serves (Next.js and the /oidc mount alike), proxy.ts adds the page policy
// with its per-request nonce, and the identity provider's own pages get a policy of hashes.
// Plain strings in, header pairs out: nothing here depends on a framework.

export const HSTS = "max-age=31536000; includeSubDomains";

/** Headers every response carries, whoever produced it. */
export function commonSecurityHeaders(publicUrl: string): [string, string][] {
  const headers: [string, string][] = [
    ["X-Content-Type-Options", "nosniff"],
    ["Referrer-Policy", "same-origin"],
    ["X-Frame-Options", "DENY"],
  ];
  // Only over https: an http deployment (development, a loopback demo) must stay reachable.
  if (publicUrl.startsWith("https://")) headers.push(["Strict-Transport-Security", HSTS]);
  return headers;
}

export interface PolicyInput {
  /** PUBLIC_URL: decides upgrade-insecure-requests. */
  publicUrl: string;
  /** An external OIDC issuer: forms (sign-in, sign-out) are redirected there. */
  issuer?: string | null;
  /** A fresh per-request nonce (pages) … */
  nonce?: string;
  /** … or the hashes of the fixed inline scripts and styles (the identity provider's pages). */
  scriptHashes?: string[];
  styleHashes?: string[];
  /** next dev evaluates code at run time; production never does. */
  dev?: boolean;
}

function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy. Scripts run only with the request's nonce (and what those
 * scripts load, 'strict-dynamic'); styles may be inline because React and recharts write
 * style attributes, which a nonce cannot cover; nothing may frame a page.
 */
export function contentSecurityPolicy(input: PolicyInput): string {
  const self = originOf(input.publicUrl);
  const issuer = originOf(input.issuer);
  const formTargets = ["'self'", ...(issuer && issuer !== self ? [issuer] : [])];
  const script = input.nonce
    ? ["'self'", `'nonce-${input.nonce}'`, "'strict-dynamic'"]
    : ["'self'", ...(input.scriptHashes ?? []).map((h) => `'${h}'`)];
  if (input.dev) script.push("'unsafe-eval'");
  const style = input.styleHashes ? ["'self'", ...input.styleHashes.map((h) => `'${h}'`)] : ["'self'", "'unsafe-inline'"];
  const directives = [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    `style-src ${style.join(" ")}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${formTargets.join(" ")}`,
    "frame-ancestors 'none'",
  ];
  if (input.publicUrl.startsWith("https://")) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** 128 random bits, base64: unguessable, and valid in a CSP nonce-source. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
