"use server";

import { defineFormAction } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";
import { requestChainCheck } from "@/lib/audit/chain-check";

/** "Check the chain now": queues a verification (a waiting one is reused). */
export const checkChainNow = defineFormAction("audit.check-now", async ({ actor: user, log, redirect }) => {
  let outcome = "queued";
  try {
    await requestChainCheck(user);
  } catch (e) {
    log.error(errFields(e), "chain check request failed");
    outcome = "unavailable";
  }
  await redirect(`/audit?check=${outcome}`);
});
