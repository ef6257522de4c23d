"use server";

import { revalidatePath } from "next/cache";
import { auditActor } from "@/lib/actor";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { defineAction, defineFormAction, type FormState } from "@/lib/http/adapter";
import { inboxFormSchema, saveInbox } from "@/lib/sftp/inbox";
import { pollInbox } from "@/lib/sftp/poll";

export type InboxFormState = FormState;

export const saveInboxAction = defineAction(
  "admin.sftp.save",
  inboxFormSchema,
  async ({ actor, unit, input }) => {
    if (unit.kind !== "admin") return { message: "Only administrators configure inboxes." };
    const saved = await saveInbox(unit, auditActor(actor), input);
    if (!saved.ok) throw new AppError("invalid", saved.message, { fields: { [saved.field]: saved.message } });
    revalidatePath("/admin/sftp");
    return { ok: true, message: "Inbox saved." };
  },
  // A key or password typed is never sent back to the browser.
  { secretFields: ["credential"] },
);

export const pollNowAction = defineFormAction("admin.sftp.poll", async (_ctx, formData: FormData) => {
  const id = String(formData.get("inboxId") ?? "");
  if (isUuid(id)) await pollInbox(id);
  revalidatePath("/admin/sftp");
});
