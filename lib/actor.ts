// The one shape of "who is acting" that reaches the domain: every page, route handler and server
// action gets it from lib/http/adapter.ts, and domain functions take it (or a Pick of it) as their
// first argument. Plain data with no secrets, so it can cross into client components' props.
import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

export interface Actor {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  orgId: string;
  orgSlug: string;
  orgName: string;
  /** The portal session (portal_session.id); sign-out ends it. */
  sessionId: string;
}

/** What an audit event records of its actor: never more than the id, the e-mail as label and the role. */
export interface AuditActor {
  userId?: string | null;
  label: string;
  role?: string | null;
}

export function auditActor(actor: Pick<Actor, "userId" | "email" | "role">): AuditActor & { userId: string; role: Role } {
  return { userId: actor.userId, label: actor.email, role: actor.role };
}
