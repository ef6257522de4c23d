import { getServerSession } from "next-auth";
import { NextResponse } from "next/server";
import { publicUrl } from "@/lib/auth/config";
import { secureCookies, sessionCookieName } from "@/lib/auth/next-auth-cookies";
import { authOptions } from "@/lib/auth/options";
import { endPortalSession } from "@/lib/auth/session";
import { providerLogoutUrl } from "@/lib/auth/sign-out";
import { defineHandler, problem } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

// Stricter than the adapter's cross-site check: without Origin, only an explicit same-origin
// fetch passes (a sign-out is never sent by a non-browser client).
function sameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin) return origin === new URL(publicUrl()).origin;
  return req.headers.get("sec-fetch-site") === "same-origin";
}

// A plain form POST from the header's "Sign out" button: ends the portal session on the server,
// clears the cookie, then hands over to the identity provider to end its session as well.
export const POST = defineHandler("auth.sign-out", async ({ req }) => {
  if (!sameOrigin(req)) return problem(403, "forbidden", "Sign-out must come from the portal's own pages.");
  let target = `${publicUrl()}/signed-out`;
  try {
    const sid = (await getServerSession(authOptions()))?.sid;
    const ended = sid ? await endPortalSession(sid) : null;
    if (ended) target = await providerLogoutUrl(ended.idToken);
  } catch {
    // The cookie is cleared below whatever happened; the visitor is signed out of the portal.
  }
  const res = NextResponse.redirect(target, 303);
  const base = sessionCookieName();
  for (const c of (req.headers.get("cookie") ?? "").split(/;\s*/)) {
    const name = c.split("=")[0] ?? "";
    if (name === base || name.startsWith(`${base}.`)) res.cookies.set(name, "", { path: "/", maxAge: 0, secure: secureCookies() });
  }
  res.headers.set("cache-control", "no-store");
  return res;
});
