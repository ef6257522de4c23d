// The route table: every page, route handler and server action of app/, who may use it, and the
// access it puts on record. It is the only place roles are declared for a request: the adapter
// (lib/http/adapter.ts) checks them, tests/http/route-table.test.ts checks that app/ and this
// table agree one to one and that nothing bypasses the adapter, and e2e/route-access.spec.ts
// requests every route as every role against the running portal.
//
// Adding a screen? Add its entry here, then declare it in app/ with definePage / defineHandler /
// defineAction under the same key.
//
// Plain data shared with the test runners (vitest, Playwright), so no "server-only": nothing secret.
import type { Role } from "@/lib/generated/prisma/enums";

/**
 * "public": no sign-in needed (the page must still never leak data).
 * "authenticated": any signed-in role.
 * A list of roles: only those; other roles get 403 (the styled page, or JSON for route handlers),
 * and anyone not signed in is sent to /signin (pages, actions) or gets 401 (route handlers).
 */
export type RouteAccess = "public" | "authenticated" | readonly Role[];

/** The access event the adapter records when the route calls `audit(details)`. */
export interface RouteAudit {
  action: string;
  target: { type: string; id: string };
}

export type RouteKind = "page" | "handler" | "action";

export interface RouteSpec {
  kind: RouteKind;
  /** App-router pattern with route groups removed ("/admin/accounts/[id]"); null for server actions. */
  path: string | null;
  access: RouteAccess;
  audit: RouteAudit | null;
}

const ADMIN = ["administrator"] as const satisfies readonly Role[];
const PARTNER = ["partner_analyst"] as const satisfies readonly Role[];
const RESEARCH = ["researcher", "approver"] as const satisfies readonly Role[];
const ALL_ROLES = ["partner_analyst", "researcher", "approver", "administrator"] as const satisfies readonly Role[];
const VANGE = { type: "dashboard", id: "vange" };

// Generic so that each entry keeps its literal path and access: the adapter types a route's
// params from its pattern and its actor from its access ("public" routes get none).
const page = <P extends string, A extends RouteAccess>(path: P, access: A, audit: RouteAudit | null = null) => ({
  kind: "page" as const,
  path,
  access,
  audit,
});
const handler = <P extends string, A extends RouteAccess>(path: P, access: A, audit: RouteAudit | null = null) => ({
  kind: "handler" as const,
  path,
  access,
  audit,
});
const action = <A extends RouteAccess>(access: A) => ({ kind: "action" as const, path: null, access, audit: null });

export const ROUTES = {
  home: page("/", "public"),
  health: handler("/api/health", "public"),

  // Signing in and out (lib/auth, lib/idp). The interaction pages are bound to the browser by
  // the identity provider's interaction cookie, not by a portal session.
  signin: page("/signin", "public"),
  "signin.error": page("/signin/error", "public"),
  "signin.refused": page("/signin/refused", "public"),
  "signin.not-registered": page("/signin/not-registered", "public"),
  "signin.interaction": page("/signin/interaction/[uid]", "public"),
  "signin.interaction.code": page("/signin/interaction/[uid]/code", "public"),
  "signin.interaction.enrol": page("/signin/interaction/[uid]/enrol", "public"),
  "signin.interaction.recovery-codes": page("/signin/interaction/[uid]/recovery-codes", "public"),
  "signin.interaction.password": page("/signin/interaction/[uid]/password", "public"),
  "signin.interaction.expiry-warning": page("/signin/interaction/[uid]/expiry-warning", "public"),
  "signin.interaction.submit": handler("/signin/interaction/[uid]/submit", "public"),
  "signed-out": page("/signed-out", "public"),
  // The unguessable token in the link is the credential, checked by the domain.
  activate: page("/activate/[token]", "public"),
  "activate.submit": action("public"),
  "auth.nextauth": handler("/api/auth/[...nextauth]", "public"),
  "auth.prepare": handler("/api/auth/prepare", "public"),
  "auth.sign-out": handler("/api/auth/sign-out", "public"),

  // Identity administration (lib/idp/admin.ts): accounts, organisations, password policy, keys.
  admin: page("/admin", ADMIN),
  "admin.organisations": page("/admin/organisations", ADMIN),
  "admin.organisations.create": action(ADMIN),
  "admin.organisation": page("/admin/organisations/[id]", ADMIN),
  "admin.organisation.rename": action(ADMIN),
  "admin.organisation.set-active": action(ADMIN),
  "admin.accounts": page("/admin/accounts", ADMIN),
  "admin.accounts.new": page("/admin/accounts/new", ADMIN),
  "admin.accounts.create": action(ADMIN),
  "admin.account": page("/admin/accounts/[id]", ADMIN),
  "admin.account.update": action(ADMIN),
  "admin.account.action": action(ADMIN),
  "admin.account.activation-link": action(ADMIN),
  "admin.password-policy": page("/admin/password-policy", ADMIN),
  "admin.password-policy.update": action(ADMIN),
  "admin.signing-keys": page("/admin/signing-keys", ADMIN),
  "admin.signing-keys.rotate": action(ADMIN),
  // Every notice the platform e-mailed and its delivery (lib/mail).
  "admin.mail": page("/admin/mail", ADMIN),
  "admin.mail.retry": action(ADMIN),
  "admin.mail.message": page("/admin/mail/[id]", ADMIN),

  // Ingest (lib/ingest, lib/sftp): partners upload and audit their own files; administrators
  // see incidents and configure SFTP inboxes but never read partner rows. The specification
  // holds no data: partners read it before they have an account.
  uploads: page("/uploads", PARTNER),
  "uploads.new": page("/uploads/new", PARTNER),
  "uploads.batch": page("/uploads/[batchId]", PARTNER),
  "uploads.withdraw": action(PARTNER),
  "api.uploads": handler("/api/uploads", PARTNER),
  "api.uploads.form": handler("/api/uploads/form", PARTNER),
  // Downloads are audited by the domain, in the transaction that finds the batch (lib/ingest/batch-files.ts).
  "api.uploads.original": handler("/api/uploads/[batchId]/original", PARTNER),
  "api.uploads.errors": handler("/api/uploads/[batchId]/errors", PARTNER),
  // Pseudonymisation at source (lib/pseudonymise): the page hashes in the analyst's browser.
  pseudonymise: page("/pseudonymise", PARTNER),
  "admin.incidents": page("/admin/incidents", ADMIN),
  "admin.sftp": page("/admin/sftp", ADMIN),
  "admin.sftp.save": action(ADMIN),
  "admin.sftp.poll": action(ADMIN),
  specification: page("/specification", "public"),
  "specification.json": handler("/specification/json", "public"),
  "specification.template": handler("/specification/[dataset]/template", "public"),

  // Matching and the Vange dashboards (lib/matching, lib/dashboards).
  "dashboards.vange": page("/dashboards/vange", RESEARCH, { action: "dashboard.view", target: VANGE }),
  "api.dashboards.vange": handler("/api/dashboards/vange", RESEARCH, { action: "dashboard.view", target: VANGE }),
  "api.dashboards.vange.csv": handler("/api/dashboards/vange/csv", RESEARCH, { action: "dashboard.export", target: VANGE }),
  matching: page("/matching", ALL_ROLES),
  // On-demand runs: researchers and administrators only, though every role sees the page.
  "matching.run-now": action(["researcher", "administrator"]),
  "api.matching.progress": handler("/api/matching/runs/[runId]/progress", ALL_ROLES),

  // The Troubled Families evaluation (lib/troubled-families): councils see their own council's.
  "troubled-families": page("/troubled-families", ["researcher", "approver", "partner_analyst"], {
    action: "dashboard.view",
    target: { type: "dashboard", id: "troubled-families" },
  }),

  // Output checking and release (lib/release): researchers request, approvers decide, anyone
  // reads the public register and downloads released files (checked against their SHA-256).
  releases: page("/releases", "public"),
  "releases.file": handler("/releases/files/[fileId]", "public"),
  "releases.requests": page("/releases/requests", RESEARCH),
  "releases.request": page("/releases/requests/[id]", RESEARCH),
  "releases.withdraw": page("/releases/[number]/withdraw", ["approver", "administrator"]),
  "releases.rules": page("/releases/rules", ADMIN),
  "releases.draft.create": action(["researcher"]),
  "releases.output.add": action(["researcher"]),
  "releases.output.remove": action(["researcher"]),
  "releases.submit": action(["researcher"]),
  "releases.new-version": action(["researcher"]),
  "releases.review": action(["approver"]),
  "releases.withdraw.submit": action(["approver", "administrator"]),
  "releases.rules.set": action(ADMIN),

  // The audit trail (lib/audit): data-protection officers (their organisation's events and those
  // about its data) and administrators (all); each export is on record.
  audit: page("/audit", ["dpo", "administrator"]),
  "api.audit.export": handler("/api/audit/export", ["dpo", "administrator"]),
  "audit.check-now": action(["dpo", "administrator"]),

  // The breach register (lib/incidents): partners report and follow their agreements' incidents;
  // administrators run the lifecycle.
  incidents: page("/incidents", ["partner_analyst", "administrator"]),
  "incidents.new": page("/incidents/new", ["partner_analyst", "administrator"]),
  "incidents.incident": page("/incidents/[id]", ["partner_analyst", "administrator"]),
  "incidents.report": action(["partner_analyst", "administrator"]),
  "incidents.status": action(ADMIN),
  "incidents.owner": action(ADMIN),
  "incidents.note": action(["partner_analyst", "administrator"]),
} as const satisfies Record<string, RouteSpec>;

export type RouteKey = keyof typeof ROUTES;
export type KeyOfKind<K extends RouteKind> = { [P in RouteKey]: (typeof ROUTES)[P]["kind"] extends K ? P : never }[RouteKey];
export type PageKey = KeyOfKind<"page">;
export type HandlerKey = KeyOfKind<"handler">;
export type ActionKey = KeyOfKind<"action">;

export function routeSpec(key: RouteKey): RouteSpec {
  return ROUTES[key];
}

/** The entry serving an app-router pattern (pages and route handlers), if any. */
export function routeForPath(path: string): { key: RouteKey; spec: RouteSpec } | undefined {
  for (const [key, spec] of Object.entries(ROUTES) as [RouteKey, RouteSpec][]) {
    if (spec.path === path) return { key, spec };
  }
  return undefined;
}

export function allows(access: RouteAccess, role: Role | null): boolean {
  if (access === "public") return true;
  if (role === null) return false;
  return access === "authenticated" || access.includes(role);
}

export function rolesAllowed(access: RouteAccess, all: readonly Role[]): readonly Role[] {
  if (access === "public" || access === "authenticated") return all;
  return access;
}
