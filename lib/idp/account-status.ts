// How an account's state is named in the administration pages, and the list's filter.
// Plain data, no database: shared by the accounts list and its tests.

export interface AccountState {
  active: boolean;
  orgActive: boolean;
  locked: boolean;
  activated: boolean;
}

export const ACCOUNT_FILTERS = {
  all: "All accounts",
  locked: "Locked",
  disabled: "Disabled",
  invited: "Invited, not yet activated",
  active: "Active",
} as const;
export type AccountFilter = keyof typeof ACCOUNT_FILTERS;

export function accountFilter(v: unknown): AccountFilter | null {
  if (v === undefined || v === "") return "all";
  return typeof v === "string" && Object.hasOwn(ACCOUNT_FILTERS, v) ? (v as AccountFilter) : null;
}

/** The one state shown in the list. A lock shows even on a disabled account's organisation, as it needs action. */
export function accountState(a: AccountState): { key: Exclude<AccountFilter, "all"> | "org-inactive"; text: string; tone: string } {
  if (!a.active) return { key: "disabled", text: "Disabled", tone: "tag--grey" };
  if (a.locked) return { key: "locked", text: "Locked", tone: "tag--red" };
  if (!a.orgActive) return { key: "org-inactive", text: "Organisation inactive", tone: "tag--grey" };
  if (!a.activated) return { key: "invited", text: "Invited", tone: "" };
  return { key: "active", text: "Active", tone: "tag--green" };
}

export function matchesFilter(a: AccountState, f: AccountFilter): boolean {
  if (f === "all") return true;
  // Locked is about sign-in attempts: a disabled account that is also locked still counts.
  if (f === "locked") return a.locked;
  return accountState(a).key === f;
}
