// Destructive administration actions happen only from their confirmation step: the step's form
// carries confirmed=yes. A post without it (an old page, a crafted form) is sent to the step.

export const CONFIRMED_ACCOUNT_ACTIONS = ["disable", "reset-second-factor", "force-password-change"] as const;
export type ConfirmedAccountAction = (typeof CONFIRMED_ACCOUNT_ACTIONS)[number];

export function needsConfirmation(action: string, form: { get(name: string): unknown } | undefined): boolean {
  if (!(CONFIRMED_ACCOUNT_ACTIONS as readonly string[]).includes(action) && action !== "deactivate") return false;
  return form?.get("confirmed") !== "yes";
}

/** The account page's confirm query, checked: anything else shows no step. */
export function confirmParam(v: unknown): ConfirmedAccountAction | null {
  return typeof v === "string" && (CONFIRMED_ACCOUNT_ACTIONS as readonly string[]).includes(v) ? (v as ConfirmedAccountAction) : null;
}
