"use client";

import { useActionState } from "react";
import { ErrorSummary, summaryItems } from "@/components/form/error-summary";
import type { FormState } from "@/lib/http/form-state";
import type { OrganisationRow } from "@/lib/idp/admin";
import { createAccountAction, updateAccountAction } from "../actions";
import { ACCOUNT_LABELS, AccountFields, type AccountValues } from "./_account-fields";

/**
 * Creating an account, or changing one's details (`accountId`): a server action with
 * useActionState, so it works without JavaScript. Problems come back beside the fields with what
 * was typed; success goes on to the account's page with a notice.
 */
export function AccountForm({
  orgs,
  values,
  accountId,
}: {
  orgs: Pick<OrganisationRow, "id" | "name" | "active">[];
  values: AccountValues;
  accountId?: string;
}) {
  const [state, action, pending] = useActionState<FormState, FormData>(accountId ? updateAccountAction : createAccountAction, {});
  return (
    <form action={action} noValidate>
      <ErrorSummary items={summaryItems(state.errors, ACCOUNT_LABELS)} />
      {accountId && <input type="hidden" name="id" value={accountId} />}
      <AccountFields errors={state.errors} orgs={orgs} values={{ ...values, ...(state.values ?? {}) }} />
      <button type="submit" className="button" disabled={pending}>
        {accountId ? "Save the details" : "Create the account"}
      </button>
    </form>
  );
}
