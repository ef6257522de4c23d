import "server-only";
import type { UnitContext } from "@/lib/db/tenant";
import type { Actor } from "./types";

/** Researchers and approvers work in the researcher context; policies read their role and organisation from their account. */
export function contextFor(actor: Actor, requestId?: string): UnitContext {
  if (actor.role === "administrator") return { kind: "admin", userId: actor.userId, requestId };
  return { kind: "researcher", userId: actor.userId, requestId };
}
