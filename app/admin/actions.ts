"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/access";
import {
  accountAction,
  AdminInputError,
  createAccount,
  createOrganisation,
  newActivationLink,
  renameOrganisation,
  rotateKeys,
  setOrganisationActive,
  updateAccount,
  updatePolicy,
} from "@/lib/idp/admin";
import { needsConfirmation } from "@/lib/admin-confirm";
import { formValues, setFlash } from "./_flash";

// Every administration form posts to one of these. Each checks the role itself: a server action
// is a public endpoint whatever page rendered its form.

const ACCOUNT_FIELDS = ["email", "displayName", "role", "orgId", "externalSubject"];

async function admin() {
  return requireUser({ roles: ["administrator"] });
}

async function back(path: string, data: Parameters<typeof setFlash>[0]): Promise<never> {
  const f = await setFlash(data);
  redirect(`${path}${path.includes("?") ? "&" : "?"}f=${f}`);
}

function inputErrors(e: unknown): Record<string, string> {
  if (e instanceof AdminInputError) return e.fields;
  console.error("[admin] action failed", e);
  return { form: "That could not be saved. Try again; if it keeps failing, the error is in the portal's log." };
}

export async function createAccountAction(form: FormData): Promise<void> {
  const user = await admin();
  const values = formValues(form, ACCOUNT_FIELDS);
  let created: { userId: string; activationUrl: string };
  try {
    created = await createAccount(user, values);
  } catch (e) {
    return back("/admin/accounts/new", { errors: inputErrors(e), values });
  }
  await back(`/admin/accounts/${created.userId}`, { notice: `Account created for ${values.email?.trim().toLowerCase()}.`, activationUrl: created.activationUrl });
}

export async function updateAccountAction(id: string, form: FormData): Promise<void> {
  const user = await admin();
  const values = formValues(form, ACCOUNT_FIELDS);
  try {
    await updateAccount(user, id, values);
  } catch (e) {
    return back(`/admin/accounts/${id}`, { errors: inputErrors(e), values });
  }
  await back(`/admin/accounts/${id}`, { notice: "The account's details were saved." });
}

const ACTION_NOTICES = {
  disable: "The account is disabled and its sessions have ended.",
  enable: "The account is enabled again.",
  unlock: "The account is unlocked.",
  "reset-second-factor": "The second factor is reset: the next sign-in sets up a new authenticator app.",
  "force-password-change": "The next sign-in will ask for a new password; current sessions have ended.",
} as const;

export async function accountActionAction(id: string, action: keyof typeof ACTION_NOTICES, form?: FormData): Promise<void> {
  const user = await admin();
  if (!(action in ACTION_NOTICES)) redirect(`/admin/accounts/${id}`);
  if (needsConfirmation(action, form)) redirect(`/admin/accounts/${id}?confirm=${action}#confirm`);
  try {
    await accountAction(user, id, action);
  } catch (e) {
    return back(`/admin/accounts/${id}`, { errors: inputErrors(e) });
  }
  await back(`/admin/accounts/${id}`, { notice: ACTION_NOTICES[action] });
}

export async function activationLinkAction(id: string): Promise<void> {
  const user = await admin();
  let url: string;
  try {
    url = await newActivationLink(user, id);
  } catch (e) {
    return back(`/admin/accounts/${id}`, { errors: inputErrors(e) });
  }
  await back(`/admin/accounts/${id}`, { notice: "A new activation link was made; earlier links no longer work.", activationUrl: url });
}

export async function createOrganisationAction(form: FormData): Promise<void> {
  const user = await admin();
  const values = formValues(form, ["name", "kind", "dpContactEmail"]);
  try {
    await createOrganisation(user, values);
  } catch (e) {
    return back("/admin/organisations", { errors: inputErrors(e), values });
  }
  await back("/admin/organisations", { notice: `${values.name?.trim()} was added.` });
}

export async function renameOrganisationAction(id: string, form: FormData): Promise<void> {
  const user = await admin();
  const values = formValues(form, ["name"]);
  try {
    await renameOrganisation(user, id, values.name ?? "");
  } catch (e) {
    return back(`/admin/organisations/${id}`, { errors: inputErrors(e), values });
  }
  await back(`/admin/organisations/${id}`, { notice: "The organisation was renamed." });
}

export async function setOrganisationActiveAction(id: string, active: boolean, form?: FormData): Promise<void> {
  const user = await admin();
  if (!active && needsConfirmation("deactivate", form)) redirect(`/admin/organisations/${id}?confirm=deactivate#confirm`);
  try {
    await setOrganisationActive(user, id, active);
  } catch (e) {
    return back(`/admin/organisations/${id}`, { errors: inputErrors(e) });
  }
  await back(`/admin/organisations/${id}`, {
    notice: active ? "The organisation is active again." : "The organisation is deactivated: its users can no longer sign in.",
  });
}

export async function updatePolicyAction(form: FormData): Promise<void> {
  const user = await admin();
  const values = formValues(form, ["minLength", "historyCount", "maxAgeDays", "warnDays", "lockoutThreshold"]);
  try {
    await updatePolicy(user, values);
  } catch (e) {
    return back("/admin/password-policy", { errors: inputErrors(e), values });
  }
  await back("/admin/password-policy", { notice: "The password policy was saved. It applies from the next password change or sign-in." });
}

export async function rotateKeysAction(): Promise<void> {
  const user = await admin();
  let kid: string;
  try {
    kid = await rotateKeys(user);
  } catch (e) {
    return back("/admin/signing-keys", { errors: inputErrors(e) });
  }
  await back("/admin/signing-keys", { notice: `New signing key ${kid} is in use; the previous key stays published for a day.` });
}
