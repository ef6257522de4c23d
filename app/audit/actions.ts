"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/access";
import { requestChainCheck } from "@/lib/audit/chain-check";

/** "Check the chain now": queues a verification (a waiting one is reused). */
export async function checkChainNow(): Promise<void> {
  const user = await requireUser({ roles: ["dpo", "administrator"] });
  let outcome = "queued";
  try {
    await requestChainCheck(user);
  } catch (e) {
    console.error("[audit] chain check request failed", e);
    outcome = "unavailable";
  }
  redirect(`/audit?check=${outcome}`);
}
