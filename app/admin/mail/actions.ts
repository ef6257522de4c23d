"use server";

import { revalidatePath } from "next/cache";
import { defineFormAction } from "@/lib/http/adapter";
import { retryMail } from "@/lib/mail/admin";

export const retryMailAction = defineFormAction("admin.mail.retry", async ({ actor, unit, redirect }, formData: FormData) => {
  if (unit.kind !== "admin") throw new Error("administrators act in the admin context");
  const r = await retryMail(unit, { label: actor.email }, String(formData.get("mailId") ?? ""));
  revalidatePath("/admin/mail");
  await redirect(`/admin/mail?${new URLSearchParams({ retried: r.ok ? "1" : r.message })}`);
});
