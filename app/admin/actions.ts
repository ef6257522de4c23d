"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { needsConfirmation } from "@/lib/admin-confirm";
import { defineAction, defineFormAction } from "@/lib/http/adapter";
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

// Every administration form posts to one of these; the roles are the route table's
// (lib/http/routes.ts). Forms with fields use defineAction with useActionState: a domain AppError
// comes back beside the fields with what was typed, success goes on with a notice in a flash.
// Buttons (disable, unlock, new link, rotate keys) use defineFormAction, whose AppError goes back
// to the page in a flash.

export const createAccountAction = defineAction("admin.accounts.create", null, async ({ actor, input, redirect }) => {
  const created = await createAccount(actor, input);
  await redirect(`/admin/accounts/${created.userId}`, {
    notice: `Account created for ${input.email?.trim().toLowerCase()}.`,
    activationUrl: created.activationUrl,
  });
});

export const updateAccountAction = defineAction("admin.account.update", null, async ({ actor, input, redirect }) => {
  const id = input.id ?? "";
  await updateAccount(actor, id, input);
  await redirect(`/admin/accounts/${id}`, { notice: "The account's details were saved." });
});

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

export const createOrganisationAction = defineAction("admin.organisations.create", null, async ({ actor, input, redirect }) => {
  await createOrganisation(actor, input);
  await redirect("/admin/organisations", { notice: `${input.name?.trim()} was added.` });
});

export const renameOrganisationAction = defineAction("admin.organisation.rename", null, async ({ actor, input, redirect }) => {
  const id = input.id ?? "";
  await renameOrganisation(actor, id, input.name ?? "");
  await redirect(`/admin/organisations/${id}`, { notice: "The organisation was renamed." });
});

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
