import "server-only";
import { headers } from "next/headers";
import { cache } from "react";
import { auditActor, type Actor } from "@/lib/actor";
import { recordAuditNow } from "@/lib/audit/record";
import type { UnitContext } from "@/lib/db/tenant";
import type { Role } from "./roles";
import { safeCallbackPath } from "./callback-path";
import { loadPortalSession } from "./session";
import { sessionIdFromCookie } from "./session-cookie";

// The session side of the request path. Pages, route handlers and server actions never call
// this directly: lib/http/adapter.ts resolves the actor and checks the route table's roles.

export type { Role } from "./roles";
export { safeCallbackPath };

/** Why there is no user: no session at all, or one that has just run out or been ended. */
export type NoUserReason = "none" | "expired" | "ended" | "disabled";

export type SessionLookup = { user: Actor; reason?: undefined } | { user: null; reason: NoUserReason };

// One lookup per request however many components ask (layout, page, header).
export const lookupSession = cache(async (): Promise<SessionLookup> => {
  const sid = await sessionIdFromCookie();
  if (!sid) return { user: null, reason: "none" };
  const found = await loadPortalSession(sid);
  if (found.status === "ok") return { user: found.user };
  return { user: null, reason: found.status === "unknown" ? "none" : found.status };
});

/** The signed-in user, or null. For the layout and pages that show something different when signed in. */
export async function currentUser(): Promise<Actor | null> {
  return (await lookupSession()).user;
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

/** Puts a refused access on record; refusing must not depend on the audit write succeeding. */
export async function recordDenied(user: Actor, where: string, required: readonly Role[], requestId?: string): Promise<void> {
  await recordAuditNow({
    action: "access.denied",
    outcome: "denied",
    actor: auditActor(user),
    orgId: user.orgId,
    target: { type: "route", id: where },
    requestId,
    details: { required: required.join(" ") },
  }).catch(() => {});
}

/** The database context a user's unit of work runs in (see lib/db/tenant.ts). */
export function unitContextFor(user: Pick<Actor, "role" | "orgId" | "userId">, requestId?: string): UnitContext {
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
