"use server";

import { defineFormAction } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";
import { AgreementEndedError } from "@/lib/agreements/in-force";
import { requestMatchingRun } from "@/lib/matching/jobs";

/** Queues an on-demand run (researchers and administrators); a waiting run is reused. */
export const runMatchingNow = defineFormAction("matching.run-now", async ({ actor, log, redirect }) => {
  let outcome = "queued";
  try {
    const r = await requestMatchingRun({ trigger: "on-demand", requestedById: actor.userId });
    outcome = r.reused ? "already-queued" : "queued";
  } catch (e) {
    if (e instanceof AgreementEndedError) outcome = "agreement-ended";
    else {
      log.error(errFields(e), "on-demand matching request failed");
      outcome = "unavailable";
    }
  }
  await redirect(`/matching?requested=${outcome}`);
});
