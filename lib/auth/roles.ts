import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

export const ROLES: readonly Role[] = ["partner_analyst", "researcher", "approver", "administrator", "dpo"];

export const ROLE_LABELS: Record<Role, string> = {
  partner_analyst: "Partner analyst",
  researcher: "Researcher",
  approver: "Approver",
  administrator: "Administrator",
  dpo: "Data-protection officer",
};

export function isRole(v: unknown): v is Role {
  return typeof v === "string" && (ROLES as readonly string[]).includes(v);
}

/** Where each role starts after signing in, and what its header navigation offers. */
export const ROLE_HOME: Record<Role, { href: string; label: string }> = {
  partner_analyst: { href: "/uploads", label: "Your organisation's uploads" },
  researcher: { href: "/dashboards/vange", label: "Vange school-readiness dashboards" },
  approver: { href: "/releases/requests", label: "Release requests waiting for your approval" },
  administrator: { href: "/admin", label: "Administration" },
  dpo: { href: "/audit", label: "Audit trail" },
};

export const ROLE_NAV: Record<Role, { href: string; label: string }[]> = {
  partner_analyst: [
    { href: "/uploads", label: "Uploads" },
    { href: "/pseudonymise", label: "Pseudonymise" },
    { href: "/matching", label: "Match rates" },
    { href: "/troubled-families", label: "Troubled Families" },
    { href: "/incidents", label: "Breaches" },
    { href: "/specification", label: "Data specification" },
  ],
  researcher: [
    { href: "/dashboards/vange", label: "Dashboards" },
    { href: "/troubled-families", label: "Troubled Families" },
    { href: "/releases/requests", label: "Release requests" },
    { href: "/releases", label: "Releases" },
    { href: "/matching", label: "Matching runs" },
  ],
  approver: [
    { href: "/releases/requests", label: "Release requests" },
    { href: "/releases", label: "Releases" },
    { href: "/dashboards/vange", label: "Dashboards" },
    { href: "/troubled-families", label: "Troubled Families" },
  ],
  // Every administration page is one click away (tests/auth/admin-nav.test.ts checks none is missing).
  administrator: [
    { href: "/admin", label: "Administration" },
    { href: "/admin/organisations", label: "Organisations" },
    { href: "/admin/accounts", label: "Accounts" },
    { href: "/admin/incidents", label: "Incidents" },
    { href: "/incidents", label: "Breach register" },
    { href: "/admin/sftp", label: "SFTP inboxes" },
    { href: "/admin/password-policy", label: "Password policy" },
    { href: "/admin/signing-keys", label: "Signing keys" },
    { href: "/admin/mail", label: "Sent mail" },
    { href: "/releases/rules", label: "Release approvals" },
    { href: "/audit", label: "Audit trail" },
    { href: "/matching", label: "Matching runs" },
  ],
  dpo: [{ href: "/audit", label: "Audit trail" }],
};
