import { NextResponse } from "next/server";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { publicUrl } from "@/lib/auth/config";
import { csrfCookieName, newCsrfCookie, readCsrfCookie, secureCookies } from "@/lib/auth/next-auth-cookies";
import { defineHandler } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

// Sets next-auth's CSRF cookie, then returns to /signin, which can now render a plain HTML form
// that starts the OpenID Connect sign-in without any client-side script.
export const GET = defineHandler("auth.prepare", ({ req }) => {
  const url = new URL(req.url);
  const callbackUrl = safeCallbackPath(url.searchParams.get("callbackUrl"));
  const reason = url.searchParams.get("reason");
  const back = new URLSearchParams({ callbackUrl, prepared: "1" });
  if (reason === "expired" || reason === "disabled") back.set("reason", reason);
  if (url.searchParams.get("activated") === "1") back.set("activated", "1");
  const res = NextResponse.redirect(`${publicUrl()}/signin?${back.toString()}`, 303);
  const name = csrfCookieName();
  const existing = req.headers
    .get("cookie")
    ?.split(/;\s*/)
    .find((c) => c.startsWith(`${name}=`));
  if (!readCsrfCookie(existing ? decodeURIComponent(existing.slice(name.length + 1)) : undefined)) {
    res.cookies.set(name, newCsrfCookie().value, { httpOnly: true, sameSite: "lax", path: "/", secure: secureCookies() });
  }
  res.headers.set("cache-control", "no-store");
  return res;
});
