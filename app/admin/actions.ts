"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { needsConfirmation } from "@/lib/admin-confirm";
import { defineAction, defineFormAction } from "@/lib/http/adapter";
import { formValues } from "@/lib/http/flash";
import {
  accountAction,
  createAccount,
  createOrganisation,
  newActivationLink,
  renameOrganisation,
  rotateKeys,
  setOrganisationActive,
  updateAccount,
  updatePolicy,
} from "@/lib/idp/admin";
import { passwordPolicySchema } from "@/lib/idp/policy";

// Every administration form posts to one of these. The roles are the route table's
// (lib/http/routes.ts); a domain AppError comes back to the form as field errors in a flash.

const ACCOUNT_FIELDS = ["email", "displayName", "role", "orgId", "externalSubject"];

export const createAccountAction = defineFormAction(
  "admin.accounts.create",
  async (ctx, form: FormData) => {
    const values = formValues(form, ACCOUNT_FIELDS);
    const created = await createAccount(ctx.actor, values);
    await ctx.redirect(`/admin/accounts/${created.userId}`, {
      notice: `Account created for ${values.email?.trim().toLowerCase()}.`,
      activationUrl: created.activationUrl,
    });
  },
  { back: () => "/admin/accounts/new", values: ACCOUNT_FIELDS },
);

export const updateAccountAction = defineFormAction(
  "admin.account.update",
  async (ctx, id: string, form: FormData) => {
    await updateAccount(ctx.actor, id, formValues(form, ACCOUNT_FIELDS));
    await ctx.redirect(`/admin/accounts/${id}`, { notice: "The account's details were saved." });
  },
  { back: ([id]) => `/admin/accounts/${id}`, values: ACCOUNT_FIELDS },
);

const ACTION_NOTICES = {
  disable: "The account is disabled and its sessions have ended.",
  enable: "The account is enabled again.",
  unlock: "The account is unlocked.",
  "reset-second-factor": "The second factor is reset: the next sign-in sets up a new authenticator app.",
  "force-password-change": "The next sign-in will ask for a new password; current sessions have ended.",
} as const;

export const accountActionAction = defineFormAction(
  "admin.account.action",
  async (ctx, id: string, action: keyof typeof ACTION_NOTICES, form?: FormData) => {
    if (!(action in ACTION_NOTICES)) redirect(`/admin/accounts/${id}`);
    if (needsConfirmation(action, form)) redirect(`/admin/accounts/${id}?confirm=${action}#confirm`);
    await accountAction(ctx.actor, id, action);
    await ctx.redirect(`/admin/accounts/${id}`, { notice: ACTION_NOTICES[action] });
  },
  { back: ([id]) => `/admin/accounts/${id}` },
);

export const activationLinkAction = defineFormAction(
  "admin.account.activation-link",
  async (ctx, id: string) => {
    const url = await newActivationLink(ctx.actor, id);
    await ctx.redirect(`/admin/accounts/${id}`, { notice: "A new activation link was made; earlier links no longer work.", activationUrl: url });
  },
  { back: ([id]) => `/admin/accounts/${id}` },
);

export const createOrganisationAction = defineFormAction(
  "admin.organisations.create",
  async (ctx, form: FormData) => {
    const values = formValues(form, ["name", "kind", "dpContactEmail"]);
    await createOrganisation(ctx.actor, values);
    await ctx.redirect("/admin/organisations", { notice: `${values.name?.trim()} was added.` });
  },
  { back: () => "/admin/organisations", values: ["name", "kind", "dpContactEmail"] },
);

export const renameOrganisationAction = defineFormAction(
  "admin.organisation.rename",
  async (ctx, id: string, form: FormData) => {
    await renameOrganisation(ctx.actor, id, formValues(form, ["name"]).name ?? "");
    await ctx.redirect(`/admin/organisations/${id}`, { notice: "The organisation was renamed." });
  },
  { back: ([id]) => `/admin/organisations/${id}`, values: ["name"] },
);

export const setOrganisationActiveAction = defineFormAction(
  "admin.organisation.set-active",
  async (ctx, id: string, active: boolean, form?: FormData) => {
    if (!active && needsConfirmation("deactivate", form)) redirect(`/admin/organisations/${id}?confirm=deactivate#confirm`);
    await setOrganisationActive(ctx.actor, id, active);
    await ctx.redirect(`/admin/organisations/${id}`, {
      notice: active ? "The organisation is active again." : "The organisation is deactivated: its users can no longer sign in.",
    });
  },
  { back: ([id]) => `/admin/organisations/${id}` },
);

export const updatePolicyAction = defineAction("admin.password-policy.update", passwordPolicySchema, async ({ actor, input }) => {
  await updatePolicy(actor, input);
  revalidatePath("/admin/password-policy");
  return { ok: true, message: "The password policy was saved. It applies from the next password change or sign-in." };
});

export const rotateKeysAction = defineFormAction(
  "admin.signing-keys.rotate",
  async (ctx) => {
    const kid = await rotateKeys(ctx.actor);
    await ctx.redirect("/admin/signing-keys", { notice: `New signing key ${kid} is in use; the previous key stays published for a day.` });
  },
  { back: () => "/admin/signing-keys" },
);
