import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, newNonce } from "@/lib/server/security-headers";
import { isDevelopment, oidcIssuer, publicUrlIfSet } from "@/lib/env";

// Every page gets a Content-Security-Policy with a nonce of its own. Next.js reads the nonce
// from the policy on the request and puts it on the scripts it renders; the same policy goes
// out on the response. Pages are all rendered per request (the root layout reads the session
// cookie), so no page is ever served with a stale nonce.
//
// Server components cannot see the URL they render for. The access check (lib/auth/access.ts)
// needs it to send a signed-out visitor to /signin and back again afterwards, so the request's
// path is passed on in a header; any value a client sent under that name is overwritten.
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const policy = contentSecurityPolicy({
    publicUrl: publicUrlIfSet() ?? request.nextUrl.origin,
    issuer: oidcIssuer(),
    nonce,
    dev: isDevelopment(),
  });
  const headers = new Headers(request.headers);
  headers.set("x-portal-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

export const config = {
  // Pages only. Route handlers read their own URL (requireApiUser(req)), so they need no
  // x-portal-path, and skipping the proxy matters there: upload bodies (up to 2 GB) must stream
  // straight to their handler, where a matched request's body is buffered for the proxy and cut
  // at 10 MB (experimental.proxyClientMaxBodySize); and the dashboard data endpoints answer many
  // requests a second, where a rewrite per request cost measurable CPU (docs/performance.md).
  // Their responses get a fixed policy from next.config.js; the Node server (lib/server/
  // request-listener.ts) refuses cross-site writes to them before Next.js is involved.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"],
};
