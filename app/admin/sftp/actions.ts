"use server";

import { revalidatePath } from "next/cache";
import { requireUser, unitContextFor } from "@/lib/auth/access";
import { inboxFormSchema, saveInbox } from "@/lib/sftp/inbox";
import { pollInbox } from "@/lib/sftp/poll";

export interface InboxFormState {
  ok?: boolean;
  message?: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
}

export async function saveInboxAction(_prev: InboxFormState, formData: FormData): Promise<InboxFormState> {
  const user = await requireUser({ roles: ["administrator"] });
  const ctx = unitContextFor(user);
  if (ctx.kind !== "admin") return { message: "Only administrators configure inboxes." };
  const raw = Object.fromEntries([...formData.entries()].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const parsed = inboxFormSchema.safeParse(raw);
  const { credential: _omit, ...values } = raw;
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { errors, values };
  }
  const saved = await saveInbox(ctx, { userId: user.userId, label: user.email, role: user.role }, parsed.data);
  if (!saved.ok) return { errors: { [saved.field]: saved.message }, values };
  revalidatePath("/admin/sftp");
  return { ok: true, message: "Inbox saved." };
}

export async function pollNowAction(formData: FormData): Promise<void> {
  await requireUser({ roles: ["administrator"] });
  const id = String(formData.get("inboxId") ?? "");
  if (/^[0-9a-f-]{36}$/.test(id)) await pollInbox(id);
  revalidatePath("/admin/sftp");
}
