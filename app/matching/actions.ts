"use server";

import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/access";
import { AgreementEndedError } from "@/lib/agreements/in-force";
import { requestMatchingRun } from "@/lib/matching/jobs";

/** Queues an on-demand run (researchers and administrators); a waiting run is reused. */
export async function runMatchingNow(): Promise<void> {
  const user = await requireUser({ roles: ["researcher", "administrator"] });
  let outcome = "queued";
  try {
    const r = await requestMatchingRun({ trigger: "on-demand", requestedById: user.userId });
    outcome = r.reused ? "already-queued" : "queued";
  } catch (e) {
    if (e instanceof AgreementEndedError) outcome = "agreement-ended";
    else {
      console.error("[matching] on-demand request failed", e);
      outcome = "unavailable";
    }
  }
  redirect(`/matching?requested=${outcome}`);
}
