import "server-only";
import { auditActor, type Actor } from "@/lib/actor";
import { recordAudit } from "@/lib/audit/record";
import { readInContext, withContext, type Tx } from "@/lib/db/tenant";
import type { Role } from "./roles";
import { isUuid } from "@/lib/ids";

/** A portal session ends after 30 minutes without a request… */
export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** …and 12 hours after sign-in, whatever the activity. */
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;
// Writing last_seen_at on every request would make each page a write; a minute of slack on a
// 30-minute limit is immaterial.
const TOUCH_AFTER_MS = 60 * 1000;

/** The signed-in user of a live session: the request path's one Actor. */
export type SessionUser = Actor;

export type SessionLookup = { status: "ok"; user: SessionUser } | { status: "expired" | "ended" | "unknown" | "disabled" };

const system = { kind: "system", purpose: "portal-session" } as const;

/** Opens a session after a successful OIDC sign-in and records it; returns its id. */
export async function startPortalSession(input: {
  userId: string;
  issuer: string;
  subject: string;
  acr?: string | null;
  amr?: string[];
  idToken?: string | null;
  now?: Date;
}): Promise<string> {
  const now = input.now ?? new Date();
  return withContext(system, async (tx) => {
    const user = await tx.user.update({
      where: { id: input.userId },
      data: { lastSignInAt: now },
      include: { organisation: true },
    });
    const session = await tx.portalSession.create({
      data: {
        userId: user.id,
        issuer: input.issuer,
        subject: input.subject,
        acr: input.acr ?? null,
        amr: input.amr ?? [],
        idToken: input.idToken ?? null,
        createdAt: now,
        lastSeenAt: now,
      },
    });
    await recordAudit(tx, {
      action: "auth.sign_in",
      outcome: "success",
      actor: auditActor({ userId: user.id, email: user.email, role: user.role }),
      orgId: user.orgId,
      target: { type: "portal_session", id: session.id },
      details: { issuer: input.issuer, acr: input.acr ?? null, amr: (input.amr ?? []).join(" ") },
    });
    return session.id;
  });
}

async function endInTx(tx: Tx, sessionId: string, reason: string, now: Date) {
  const s = await tx.portalSession.findUnique({ where: { id: sessionId }, include: { user: true } });
  if (!s || s.endedAt) return null;
  await tx.portalSession.update({ where: { id: sessionId }, data: { endedAt: now, endReason: reason } });
  await recordAudit(tx, {
    action: reason === "sign_out" ? "auth.sign_out" : "auth.session_ended",
    outcome: "success",
    actor: auditActor({ userId: s.userId, email: s.user.email, role: s.user.role }),
    orgId: s.user.orgId,
    target: { type: "portal_session", id: s.id },
    details: { reason },
  });
  return s;
}

// Every request runs this, so it is one statement in one round trip rather than an ORM transaction.
const LOOKUP = `SELECT s.ended_at, s.created_at, s.last_seen_at,
    u.id AS user_id, u.email, u.display_name, u.role::text AS role, u.org_id, u.active AS user_active,
    o.slug AS org_slug, o.name AS org_name, o.active AS org_active
  FROM portal_session s JOIN app_user u ON u.id = s.user_id JOIN organisation o ON o.id = u.org_id
  WHERE s.id = $1`;

interface LookupRow {
  ended_at: Date | null;
  created_at: Date;
  last_seen_at: Date;
  user_id: string;
  email: string;
  display_name: string;
  role: Role;
  org_id: string;
  user_active: boolean;
  org_slug: string;
  org_name: string;
  org_active: boolean;
}

/**
 * Looks a session up for a request: valid sessions are touched, sessions past either limit (or
 * whose account or organisation was disabled since) are ended on the spot. The common case — a
 * live session needing no write — is answered by one read; anything that changes state goes
 * through the transactional path, which decides again on what it reads itself.
 */
export async function loadPortalSession(sessionId: string, now = new Date()): Promise<SessionLookup> {
  if (!isUuid(sessionId)) return { status: "unknown" };
  const [row] = await readInContext<LookupRow>(system, LOOKUP, [sessionId]);
  if (!row) return { status: "unknown" };
  if (row.ended_at) return { status: "ended" };
  const sinceSeen = now.getTime() - row.last_seen_at.getTime();
  const needsWrite =
    sinceSeen > TOUCH_AFTER_MS || now.getTime() - row.created_at.getTime() > ABSOLUTE_TIMEOUT_MS || !row.user_active || !row.org_active;
  if (needsWrite) return settlePortalSession(sessionId, now);
  return {
    status: "ok",
    user: {
      sessionId,
      userId: row.user_id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      orgId: row.org_id,
      orgSlug: row.org_slug,
      orgName: row.org_name,
    },
  };
}

async function settlePortalSession(sessionId: string, now: Date): Promise<SessionLookup> {
  return withContext(system, async (tx) => {
    const s = await tx.portalSession.findUnique({
      where: { id: sessionId },
      include: { user: { include: { organisation: true } } },
    });
    if (!s) return { status: "unknown" };
    if (s.endedAt) return { status: "ended" };
    const idle = now.getTime() - s.lastSeenAt.getTime() > IDLE_TIMEOUT_MS;
    const old = now.getTime() - s.createdAt.getTime() > ABSOLUTE_TIMEOUT_MS;
    if (idle || old) {
      await endInTx(tx, s.id, idle ? "idle_timeout" : "absolute_timeout", now);
      return { status: "expired" };
    }
    if (!s.user.active || !s.user.organisation.active) {
      await endInTx(tx, s.id, "account_disabled", now);
      return { status: "disabled" };
    }
    if (now.getTime() - s.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
      await tx.portalSession.update({ where: { id: s.id }, data: { lastSeenAt: now } });
    }
    const u = s.user;
    return {
      status: "ok",
      user: {
        sessionId: s.id,
        userId: u.id,
        email: u.email,
        displayName: u.displayName,
        role: u.role,
        orgId: u.orgId,
        orgSlug: u.organisation.slug,
        orgName: u.organisation.name,
      },
    };
  });
}

/** Ends one session (sign-out) and returns what the identity provider's logout needs. */
export async function endPortalSession(
  sessionId: string,
  reason = "sign_out",
  now = new Date(),
): Promise<{ idToken: string | null; issuer: string } | null> {
  return withContext(system, async (tx) => {
    const s = await endInTx(tx, sessionId, reason, now);
    return s ? { idToken: s.idToken, issuer: s.issuer } : null;
  });
}

/** Ends every open session of a user, inside the caller's transaction (admin actions). */
export async function endSessionsOfUser(tx: Tx, userId: string, reason: string, now = new Date()): Promise<number> {
  const res = await tx.portalSession.updateMany({
    where: { userId, endedAt: null },
    data: { endedAt: now, endReason: reason },
  });
  return res.count;
}
