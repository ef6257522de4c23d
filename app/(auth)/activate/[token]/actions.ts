"use server";

import { redirect } from "next/navigation";
import { defineFormAction } from "@/lib/http/adapter";
import { formValues } from "@/lib/http/flash";
import { activateAccount } from "@/lib/idp/admin";

// Public by design: the unguessable token in the link is the credential, checked by the domain.
export const activate = defineFormAction("activate.submit", async (_ctx, token: string, form: FormData) => {
  const { password = "", confirm = "" } = formValues(form, ["password", "confirm"]);
  const result = await activateAccount(token, password, confirm);
  if (result.ok) redirect("/signin?activated=1");
  if ("expired" in result) redirect(`/activate/${encodeURIComponent(token)}`);
  redirect(`/activate/${encodeURIComponent(token)}?problems=${result.problems.map((p) => p.code).join(",")}`);
});
