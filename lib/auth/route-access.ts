// The route access manifest: every page and route handler under app/, and who may use it.
//
// Adding a route? Add it here too, with the same roles you pass to requireUser()/requireApiUser()
// in the route itself. tests/auth/route-manifest.test.ts fails when app/ and this list disagree,
// and e2e/route-access.spec.ts requests every route as every role against the running portal.
//
// This file is plain data shared with the test runners (vitest, Playwright), so it does not
// import "server-only": it holds nothing secret.
import type { Role } from "@/lib/generated/prisma/enums";

/**
 * "public": no sign-in needed (the page must still never leak data).
 * "authenticated": any signed-in role.
 * A list of roles: only those; other roles get 403 (a styled page, or JSON for route handlers), and
 * anyone not signed in is redirected to /signin (pages) or gets 401 (route handlers).
 */
export type RouteAccess = "public" | "authenticated" | readonly Role[];

const ADMIN: readonly Role[] = ["administrator"];

/** Keys are app-router patterns with route groups removed: "/admin/accounts/[id]". */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  "/": "public",
  "/api/health": "public",

  // Signing in and out (lib/auth, lib/idp). The interaction pages are bound to the browser by
  // the identity provider's interaction cookie, not by a portal session.
  "/signin": "public",
  "/signin/error": "public",
  "/signin/refused": "public",
  "/signin/not-registered": "public",
  "/signin/interaction/[uid]": "public",
  "/signin/interaction/[uid]/code": "public",
  "/signin/interaction/[uid]/enrol": "public",
  "/signin/interaction/[uid]/recovery-codes": "public",
  "/signin/interaction/[uid]/password": "public",
  "/signin/interaction/[uid]/expiry-warning": "public",
  "/signin/interaction/[uid]/submit": "public",
  "/signed-out": "public",
  "/activate/[token]": "public",
  "/api/auth/[...nextauth]": "public",
  "/api/auth/prepare": "public",
  "/api/auth/sign-out": "public",

  // Identity administration (lib/idp/admin.ts): accounts, organisations, password policy, keys.
  "/admin": ADMIN,
  "/admin/organisations": ADMIN,
  "/admin/organisations/[id]": ADMIN,
  "/admin/accounts": ADMIN,
  "/admin/accounts/new": ADMIN,
  "/admin/accounts/[id]": ADMIN,
  "/admin/password-policy": ADMIN,
  "/admin/signing-keys": ADMIN,
  // Every notice the platform e-mailed and its delivery (lib/mail).
  "/admin/mail": ADMIN,
  "/admin/mail/[id]": ADMIN,

  // Ingest (lib/ingest, lib/sftp): partners upload and audit their own files; administrators
  // see incidents and configure SFTP inboxes but never read partner rows. The specification
  // holds no data: partners read it before they have an account.
  "/uploads": ["partner_analyst"],
  "/uploads/new": ["partner_analyst"],
  "/uploads/[batchId]": ["partner_analyst"],
  "/api/uploads": ["partner_analyst"],
  "/api/uploads/form": ["partner_analyst"],
  "/api/uploads/[batchId]/original": ["partner_analyst"],
  "/api/uploads/[batchId]/errors": ["partner_analyst"],
  // Pseudonymisation at source (lib/pseudonymise): the page hashes in the analyst's browser.
  "/pseudonymise": ["partner_analyst"],
  "/admin/incidents": ADMIN,
  "/admin/sftp": ADMIN,
  "/specification": "public",
  "/specification/json": "public",
  "/specification/[dataset]/template": "public",

  // Matching and the Vange dashboards (lib/matching, lib/dashboards).
  "/dashboards/vange": ["researcher", "approver"],
  "/api/dashboards/vange": ["researcher", "approver"],
  "/api/dashboards/vange/csv": ["researcher", "approver"],
  "/matching": ["partner_analyst", "researcher", "approver", "administrator"],
  "/api/matching/runs/[runId]/progress": ["partner_analyst", "researcher", "approver", "administrator"],

  // The breach register (lib/incidents): administrators and partner analysts report and follow
  // breaches (an analyst their own organisation's); administrators move them on.
  "/incidents": ["partner_analyst", "administrator"],
  "/incidents/new": ["partner_analyst", "administrator"],
  "/incidents/[id]": ["partner_analyst", "administrator"],

  // The audit trail (lib/audit/viewer.ts): data-protection officers and administrators, read-only.
  "/audit": ["dpo", "administrator"],
  "/api/audit/export": ["dpo", "administrator"],
};

export function rolesAllowed(access: RouteAccess, all: readonly Role[]): readonly Role[] {
  if (access === "public" || access === "authenticated") return all;
  return access;
}
