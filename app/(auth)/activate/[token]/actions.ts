"use server";

import { redirect } from "next/navigation";
import { activateAccount } from "@/lib/idp/admin";

// Public by design: the unguessable token in the link is the credential, checked here.
export async function activate(token: string, form: FormData): Promise<void> {
  const value = (n: string) => (typeof form.get(n) === "string" ? (form.get(n) as string) : "");
  const result = await activateAccount(token, value("password"), value("confirm"));
  if (result.ok) redirect("/signin?activated=1");
  if ("expired" in result) redirect(`/activate/${encodeURIComponent(token)}`);
  redirect(`/activate/${encodeURIComponent(token)}?problems=${result.problems.map((p) => p.code).join(",")}`);
}
