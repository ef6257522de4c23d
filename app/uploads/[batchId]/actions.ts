"use server";

import { notFound } from "next/navigation";
import { auditActor } from "@/lib/actor";
import { defineFormAction } from "@/lib/http/adapter";
import { withdrawBatch } from "@/lib/ingest/withdraw-batch";

export const withdrawAction = defineFormAction("uploads.withdraw", async ({ actor, requestId, redirect }, formData: FormData) => {
  const batchId = String(formData.get("batchId") ?? "");
  const res = await withdrawBatch({ orgId: actor.orgId, batchId, actor: auditActor(actor), requestId });
  if (!res.ok && res.reason === "not-found") notFound();
  await redirect(`/uploads/${batchId}${res.ok ? "?withdrawn=1" : ""}`);
});
