import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { recordAuditNow } from "@/lib/audit/record";
import type { UnitContext } from "@/lib/db/tenant";
import type { Role } from "./roles";
import { safeCallbackPath } from "./callback-path";
import { loadPortalSession, type SessionUser } from "./session";
import { sessionIdFromCookie } from "./session-cookie";

export type { Role } from "./roles";
export { safeCallbackPath };

/** The signed-in user as every page, route handler and server action sees it. */
export interface PortalUser {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  orgId: string;
  orgSlug: string;
  orgName: string;
  /** The portal session (portal_session.id); sign-out ends it. */
  sessionId: string;
}

export interface AccessOptions {
  /** Roles allowed here; omitted means any signed-in user. */
  roles?: readonly Role[];
}

/** Why there is no user: no session at all, or one that has just run out or been ended. */
export type NoUserReason = "none" | "expired" | "ended" | "disabled";

type Lookup = { user: PortalUser; reason?: undefined } | { user: null; reason: NoUserReason };

function toPortalUser(u: SessionUser): PortalUser {
  return {
    userId: u.userId,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    orgId: u.orgId,
    orgSlug: u.orgSlug,
    orgName: u.orgName,
    sessionId: u.sessionId,
  };
}

// One lookup per request however many components ask (layout, page, header).
const lookup = cache(async (): Promise<Lookup> => {
  const sid = await sessionIdFromCookie();
  if (!sid) return { user: null, reason: "none" };
  const found = await loadPortalSession(sid);
  if (found.status === "ok") return { user: toPortalUser(found.user) };
  return { user: null, reason: found.status === "unknown" ? "none" : found.status };
});

/** The signed-in user, or null. For pages that show something different when signed in. */
export async function currentUser(): Promise<PortalUser | null> {
  return (await lookup()).user;
}

/** The path and query of the current request (set by proxy.ts), for returning after sign-in. */
export async function currentPath(): Promise<string> {
  const h = await headers();
  const p = h.get("x-portal-path") ?? "/";
  return safeCallbackPath(p);
}

export function signInPath(callbackPath: string, reason?: NoUserReason): string {
  const q = new URLSearchParams({ callbackUrl: safeCallbackPath(callbackPath) });
  if (reason === "expired" || reason === "disabled") q.set("reason", reason);
  return `/signin?${q.toString()}`;
}

async function recordDenied(user: PortalUser, where: string, required: readonly Role[]) {
  await recordAuditNow({
    action: "access.denied",
    outcome: "denied",
    actor: { userId: user.userId, label: user.email, role: user.role },
    orgId: user.orgId,
    target: { type: "route", id: where },
    details: { required: required.join(" ") },
  }).catch(() => {
    // Refusing access must not depend on the audit write succeeding.
  });
}

/**
 * The access check for pages and server actions. Not signed in: redirect to /signin (and back
 * here afterwards). Signed in with a role not listed: 403 with app/forbidden.tsx, which says the
 * role does not allow it and who to ask (the page's existence is no secret: the routes are public code).
 */
export async function requireUser(opts: AccessOptions = {}): Promise<PortalUser> {
  const found = await lookup();
  if (!found.user) redirect(signInPath(await currentPath(), found.reason));
  if (opts.roles && !opts.roles.includes(found.user.role)) {
    await recordDenied(found.user, await currentPath(), opts.roles);
    forbidden();
  }
  return found.user;
}

function json(status: number, error: string, message: string): Response {
  return Response.json({ error, message }, { status, headers: { "cache-control": "no-store" } });
}

/**
 * The access check for route handlers: the user, or a JSON 401/403 response to return as is.
 *
 *   const user = await requireApiUser(req, { roles: ["partner_analyst"] });
 *   if (user instanceof Response) return user;
 */
export async function requireApiUser(req?: Request, opts: AccessOptions = {}): Promise<PortalUser | Response> {
  const found = await lookup();
  if (!found.user) {
    return json(401, "unauthenticated", found.reason === "expired" ? "Your session has ended. Sign in again." : "Sign in to use this.");
  }
  if (opts.roles && !opts.roles.includes(found.user.role)) {
    const where = req ? new URL(req.url).pathname : await currentPath();
    await recordDenied(found.user, where, opts.roles);
    return json(403, "forbidden", "Your role does not allow this.");
  }
  return found.user;
}

/** The database context a user's unit of work runs in (see lib/db/tenant.ts). */
export function unitContextFor(user: Pick<PortalUser, "role" | "orgId" | "userId">, requestId?: string): UnitContext {
  switch (user.role) {
    case "partner_analyst":
      return { kind: "org", orgId: user.orgId, userId: user.userId, requestId };
    case "researcher":
    case "approver":
      return { kind: "researcher", userId: user.userId, requestId };
    case "administrator":
      return { kind: "admin", userId: user.userId, requestId };
    case "dpo":
      return { kind: "dpo", orgId: user.orgId, userId: user.userId, requestId };
  }
}
