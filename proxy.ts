import { NextResponse, type NextRequest } from "next/server";

// Server components cannot see the URL they render for. The access check (lib/auth/access.ts)
// needs it to send a signed-out visitor to /signin and back again afterwards, so the request's
// path is passed on in a header; any value a client sent under that name is overwritten.
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-portal-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only. Route handlers read their own URL (requireApiUser(req)), so they need no
  // x-portal-path, and skipping the proxy matters there: upload bodies (up to 2 GB) must stream
  // straight to their handler, where a matched request's body is buffered for the proxy and cut
  // at 10 MB (experimental.proxyClientMaxBodySize); and the dashboard data endpoints answer many
  // requests a second, where a rewrite per request cost measurable CPU (docs/performance.md).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"],
};
