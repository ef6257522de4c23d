"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser, unitContextFor } from "@/lib/auth/access";
import { retryMail } from "@/lib/mail/admin";

export async function retryMailAction(formData: FormData): Promise<void> {
  const user = await requireUser({ roles: ["administrator"] });
  const ctx = unitContextFor(user);
  if (ctx.kind !== "admin") throw new Error("administrators act in the admin context");
  const id = String(formData.get("mailId") ?? "");
  const r = await retryMail(ctx, { label: user.email }, id);
  revalidatePath("/admin/mail");
  redirect(`/admin/mail?${new URLSearchParams({ retried: r.ok ? "1" : r.message })}`);
}
