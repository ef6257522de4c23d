import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { auditActor, type Actor } from "@/lib/actor";
import { accountOrganisationProblem } from "@/lib/agreements/in-force";
import { recordAudit } from "@/lib/audit/record";
import { AppError } from "@/lib/errors";
import { fieldErrors } from "@/lib/validation/plain-errors";
import { publicUrl } from "@/lib/auth/config";
import { endSessionsOfUser } from "@/lib/auth/session";
import { withContext, type Tx } from "@/lib/db/tenant";
import { nudgeMailDelivery, queueMail } from "@/lib/mail";
import type { OrgKind, Role } from "@/lib/generated/prisma/enums";
import { normaliseEmail, setPassword, type PasswordChange } from "./accounts";
import { sha256 } from "./crypto";
import { rotateSigningKey } from "./keys";
import { isLocked } from "./lockout";
import { loadPolicy, passwordAge, passwordPolicySchema, savePolicy, type PasswordPolicy } from "./policy";
import { reloadProvider } from "./provider";
import { isUuid } from "@/lib/ids";

// Administration of identities. Every function runs in the administrator's database context
// and writes its audit event in the same transaction as the change. Administrators see
// accounts and organisations, never partner data.

/** The administrator acting: the request path's Actor, of which administration needs only this. */
export type AdminActor = Pick<Actor, "userId" | "email" | "role">;

const ACTIVATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function asAdmin<T>(actor: AdminActor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (actor.role !== "administrator") throw new Error("administrators only");
  return withContext({ kind: "admin", userId: actor.userId }, fn);
}

/** Input an administrator must correct, field by field: the domain's AppError of kind "invalid". */
export class AdminInputError extends AppError {
  override name = "AdminInputError";
  constructor(fields: Record<string, string>) {
    super("invalid", Object.values(fields).join("; "), { fields });
  }
}

// Accounts ------------------------------------------------------------------------------------

export interface AccountRow {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  orgId: string;
  orgName: string;
  active: boolean;
  orgActive: boolean;
  lastSignInAt: Date | null;
  activated: boolean;
  twoFactor: boolean;
  locked: boolean;
  /** When the lock ends (null when not locked). */
  lockedUntil: Date | null;
  mustChangePassword: boolean;
  passwordAgeDays: number | null;
  daysToExpiry: number | null;
  externalSubject: string | null;
}

export async function listAccounts(actor: AdminActor, now = new Date()): Promise<AccountRow[]> {
  return asAdmin(actor, async (tx) => {
    const policy = await loadPolicy(tx);
    const users = await tx.user.findMany({
      include: { organisation: true, idpCredential: true },
      orderBy: [{ organisation: { name: "asc" } }, { email: "asc" }],
    });
    return users.map((u) => {
      const c = u.idpCredential;
      const age = passwordAge(policy, c?.passwordChangedAt ?? null, now);
      return {
        id: u.id,
        email: u.email,
        displayName: u.displayName,
        role: u.role,
        orgId: u.orgId,
        orgName: u.organisation.name,
        active: u.active,
        orgActive: u.organisation.active,
        lastSignInAt: u.lastSignInAt,
        activated: !!c?.passwordHash,
        twoFactor: !!c?.totpSecret,
        locked: isLocked(c?.lockedUntil, now),
        lockedUntil: isLocked(c?.lockedUntil, now) ? (c?.lockedUntil ?? null) : null,
        mustChangePassword: !!c?.mustChangePassword,
        passwordAgeDays: age.ageDays,
        daysToExpiry: age.daysToExpiry,
        externalSubject: u.externalSubject,
      };
    });
  });
}

export async function getAccount(actor: AdminActor, id: string, now = new Date()): Promise<AccountRow | null> {
  if (!isUuid(id)) return null;
  return (await listAccounts(actor, now)).find((a) => a.id === id) ?? null;
}

const ROLE_VALUES = ["partner_analyst", "researcher", "approver", "administrator"] as const;

export const accountInputSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: "Enter an e-mail address in the right format, like name@example.org" })),
  displayName: z.string().trim().min(1, { error: "Enter the person's name" }).max(200, { error: "The name must be 200 characters or fewer" }),
  role: z.enum(ROLE_VALUES, { error: "Choose a role" }),
  orgId: z.uuid({ error: "Choose an organisation" }),
  externalSubject: z
    .string()
    .trim()
    .max(255, { error: "The subject must be 255 characters or fewer" })
    .transform((v) => (v === "" ? null : v))
    .nullable()
    .optional(),
});

export type AccountInput = z.infer<typeof accountInputSchema>;

function parseAccount(input: unknown): AccountInput {
  const r = accountInputSchema.safeParse(input);
  if (!r.success) {
    throw new AdminInputError(fieldErrors(r.error));
  }
  return r.data;
}

interface ActivationFor {
  id: string;
  email: string;
  displayName: string;
  orgId: string;
}

/**
 * Makes the account's one working activation link and, in the same transaction, the e-mail that
 * carries it to the person (marked sensitive: never logged, its stored body blanked once sent).
 * The link is returned so the administrator can be shown it once; it is never written to a log.
 */
async function issueActivation(tx: Tx, user: ActivationFor, createdById: string | null, now: Date, reason: "new" | "reset"): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  // Only the newest link works.
  await tx.idpActivationToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
  await tx.idpActivationToken.create({
    data: { userId: user.id, tokenHash: sha256(token), createdById, createdAt: now, expiresAt: new Date(now.getTime() + ACTIVATION_TTL_MS) },
  });
  const url = `${publicUrl()}/activate/${token}`;
  const expires = new Date(now.getTime() + ACTIVATION_TTL_MS).toLocaleString("en-GB", {
    dateStyle: "long",
    timeStyle: "short",
    timeZone: "Europe/London",
  });
  await queueMail(tx, {
    kind: reason === "new" ? "account.activation" : "account.password-reset",
    to: user.email,
    orgId: user.orgId,
    sensitive: true,
    subject: reason === "new" ? "Your Essex Data Platform account: set your password" : "Essex Data Platform: set a new password",
    text: [
      `Dear ${user.displayName},`,
      "",
      reason === "new"
        ? "An administrator of the Essex Data Platform has made an account for you."
        : "An administrator of the Essex Data Platform has made a new activation link for your account. Earlier links no longer work.",
      "Open this link to choose your password and set up your second factor:",
      "",
      url,
      "",
      `The link works once, until ${expires} (UK time). Do not forward this e-mail: anyone with the link can set the password.`,
      "If you did not expect this message, tell your organisation's administrator or data-protection contact.",
    ].join("\n"),
  });
  return url;
}

export async function createAccount(actor: AdminActor, input: unknown, now = new Date()): Promise<{ userId: string; activationUrl: string }> {
  const data = parseAccount(input);
  const result = await asAdmin(actor, async (tx) => {
    const org = await tx.organisation.findUnique({ where: { id: data.orgId } });
    if (!org) throw new AdminInputError({ orgId: "Choose an organisation" });
    const notParty = await accountOrganisationProblem(tx, org, now);
    if (notParty) throw new AdminInputError({ orgId: notParty });
    if (await tx.user.findFirst({ where: { email: { equals: data.email, mode: "insensitive" } } })) {
      throw new AdminInputError({ email: "An account with this e-mail address already exists" });
    }
    if (data.externalSubject && (await tx.user.findUnique({ where: { externalSubject: data.externalSubject } }))) {
      throw new AdminInputError({ externalSubject: "Another account already has this subject" });
    }
    const user = await tx.user.create({
      data: { email: data.email, displayName: data.displayName, role: data.role, orgId: org.id, externalSubject: data.externalSubject ?? null },
    });
    await tx.idpCredential.create({ data: { userId: user.id, updatedAt: now } });
    const activationUrl = await issueActivation(tx, user, actor.userId, now, "new");
    await recordAudit(tx, {
      action: "admin.account_created",
      outcome: "success",
      actor: auditActor(actor),
      orgId: org.id,
      target: { type: "user", id: user.id },
      details: { role: data.role, organisation: org.slug },
    });
    return { userId: user.id, activationUrl };
  });
  nudgeMailDelivery();
  return result;
}

export async function updateAccount(actor: AdminActor, id: string, input: unknown, now = new Date()): Promise<void> {
  const data = parseAccount(input);
  await asAdmin(actor, async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id } });
    if (before.orgId !== data.orgId) {
      const org = await tx.organisation.findUnique({ where: { id: data.orgId } });
      if (!org) throw new AdminInputError({ orgId: "Choose an organisation" });
      const notParty = await accountOrganisationProblem(tx, org, now);
      if (notParty) throw new AdminInputError({ orgId: notParty });
    }
    const clash = await tx.user.findFirst({ where: { email: { equals: data.email, mode: "insensitive" }, id: { not: id } } });
    if (clash) throw new AdminInputError({ email: "An account with this e-mail address already exists" });
    if (data.externalSubject) {
      const other = await tx.user.findFirst({ where: { externalSubject: data.externalSubject, id: { not: id } } });
      if (other) throw new AdminInputError({ externalSubject: "Another account already has this subject" });
    }
    if (id === actor.userId && data.role !== "administrator") {
      throw new AdminInputError({ role: "You cannot remove your own administrator role" });
    }
    await tx.user.update({
      where: { id },
      data: { email: data.email, displayName: data.displayName, role: data.role, orgId: data.orgId, externalSubject: data.externalSubject ?? null },
    });
    // A change of role or organisation changes what the person may see: their sessions end.
    const scopeChanged = before.role !== data.role || before.orgId !== data.orgId;
    if (scopeChanged) await endSessionsOfUser(tx, id, "role_or_organisation_changed");
    await recordAudit(tx, {
      action: "admin.account_updated",
      outcome: "success",
      actor: auditActor(actor),
      orgId: data.orgId,
      target: { type: "user", id },
      details: {
        role_from: before.role,
        role_to: data.role,
        organisation_changed: before.orgId !== data.orgId,
        email_changed: before.email !== data.email,
        external_subject_set: !!data.externalSubject,
      },
    });
  });
}

type AccountAction = "disable" | "enable" | "unlock" | "reset-second-factor" | "force-password-change";

export async function accountAction(actor: AdminActor, id: string, action: AccountAction, now = new Date()): Promise<void> {
  await asAdmin(actor, async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id } });
    if (id === actor.userId && action === "disable") throw new AdminInputError({ action: "You cannot disable your own account" });
    await tx.idpCredential.upsert({ where: { userId: id }, create: { userId: id, updatedAt: now }, update: {} });
    let ended = 0;
    switch (action) {
      case "disable":
        await tx.user.update({ where: { id }, data: { active: false } });
        ended = await endSessionsOfUser(tx, id, "account_disabled", now);
        break;
      case "enable":
        await tx.user.update({ where: { id }, data: { active: true } });
        break;
      case "unlock":
        await tx.idpCredential.update({ where: { userId: id }, data: { failedAttempts: 0, lockedUntil: null, updatedAt: now } });
        break;
      case "reset-second-factor":
        await tx.idpCredential.update({
          where: { userId: id },
          data: { totpSecret: null, totpEnrolledAt: null, totpLastStep: null, failedAttempts: 0, lockedUntil: null, updatedAt: now },
        });
        await tx.idpRecoveryCode.deleteMany({ where: { userId: id } });
        ended = await endSessionsOfUser(tx, id, "second_factor_reset", now);
        break;
      case "force-password-change":
        await tx.idpCredential.update({ where: { userId: id }, data: { mustChangePassword: true, updatedAt: now } });
        ended = await endSessionsOfUser(tx, id, "password_change_forced", now);
        break;
    }
    await recordAudit(tx, {
      action: `admin.account_${action.replace(/-/g, "_")}`,
      outcome: "success",
      actor: auditActor(actor),
      orgId: user.orgId,
      target: { type: "user", id },
      details: { sessions_ended: ended },
    });
  });
}

export async function newActivationLink(actor: AdminActor, id: string, now = new Date()): Promise<string> {
  const { url } = await asAdmin(actor, async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id } });
    const url = await issueActivation(tx, user, actor.userId, now, "reset");
    await recordAudit(tx, {
      action: "admin.activation_link_issued",
      outcome: "success",
      actor: auditActor(actor),
      orgId: user.orgId,
      target: { type: "user", id },
    });
    return { url };
  });
  nudgeMailDelivery();
  return url;
}

// Activation (public, by link) -------------------------------------------------------------------

export async function findActivation(token: string, now = new Date()): Promise<{ email: string; displayName: string } | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
  return withContext({ kind: "system", purpose: "account-activation" }, async (tx) => {
    const t = await tx.idpActivationToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
    if (!t || t.usedAt || t.expiresAt.getTime() <= now.getTime() || !t.user.active) return null;
    return { email: t.user.email, displayName: t.user.displayName };
  });
}

export async function activateAccount(
  token: string,
  password: string,
  confirm: string,
  now = new Date(),
): Promise<PasswordChange | { ok: false; expired: true }> {
  if (password !== confirm) return { ok: false, problems: [{ code: "mismatch", message: "Enter the same new password twice" }] };
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { ok: false, expired: true };
  return withContext({ kind: "system", purpose: "account-activation" }, async (tx) => {
    const t = await tx.idpActivationToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
    if (!t || t.usedAt || t.expiresAt.getTime() <= now.getTime() || !t.user.active) return { ok: false as const, expired: true as const };
    const result = await setPassword(tx, t.userId, password, {
      now,
      reason: "activated",
      actor: auditActor({ userId: t.userId, email: t.user.email, role: t.user.role }),
    });
    if (!result.ok) return result;
    await tx.idpActivationToken.update({ where: { id: t.id }, data: { usedAt: now } });
    // A new password from an activation link also lifts a lock and any forced change.
    await tx.idpCredential.update({ where: { userId: t.userId }, data: { failedAttempts: 0, lockedUntil: null } });
    return { ok: true as const };
  });
}

// Organisations ---------------------------------------------------------------------------------

export interface OrganisationRow {
  id: string;
  slug: string;
  name: string;
  kind: OrgKind;
  active: boolean;
  accounts: number;
}

export async function listOrganisations(actor: AdminActor): Promise<OrganisationRow[]> {
  return asAdmin(actor, async (tx) => {
    const orgs = await tx.organisation.findMany({ include: { _count: { select: { users: true } } }, orderBy: { name: "asc" } });
    return orgs.map((o) => ({ id: o.id, slug: o.slug, name: o.name, kind: o.kind, active: o.active, accounts: o._count.users }));
  });
}

export const ORG_KINDS: { value: OrgKind; label: string }[] = [
  { value: "county_council", label: "County council" },
  { value: "borough_council", label: "Borough or district council" },
  { value: "police", label: "Police" },
  { value: "university", label: "University" },
  { value: "local_authority", label: "Other local authority" },
  { value: "platform_operator", label: "Platform operator" },
];

const orgSchema = z.object({
  name: z.string().trim().min(2, { error: "Enter the organisation's name" }).max(200, { error: "The name must be 200 characters or fewer" }),
  kind: z.enum(["county_council", "borough_council", "police", "university", "local_authority", "platform_operator"], {
    error: "Choose the kind of organisation",
  }),
  dpContactEmail: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : v.toLowerCase()))
    .pipe(z.email({ error: "Enter the data protection contact's e-mail address in the right format" }).nullable()),
});

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
}

export async function createOrganisation(actor: AdminActor, input: unknown): Promise<string> {
  const r = orgSchema.safeParse(input);
  if (!r.success) throw new AdminInputError(fieldErrors(r.error));
  return asAdmin(actor, async (tx) => {
    const slug = slugify(r.data.name) || "organisation";
    if (await tx.organisation.findUnique({ where: { slug } })) throw new AdminInputError({ name: "An organisation with this name already exists" });
    const org = await tx.organisation.create({ data: { slug, name: r.data.name, kind: r.data.kind, dpContactEmail: r.data.dpContactEmail } });
    await recordAudit(tx, {
      action: "admin.organisation_created",
      outcome: "success",
      actor: auditActor(actor),
      orgId: org.id,
      target: { type: "organisation", id: org.id },
      details: { slug, kind: org.kind },
    });
    return org.id;
  });
}

export async function renameOrganisation(actor: AdminActor, id: string, name: string): Promise<void> {
  const r = orgSchema.shape.name.safeParse(name);
  if (!r.success) throw new AdminInputError({ name: r.error.issues[0]!.message });
  await asAdmin(actor, async (tx) => {
    const before = await tx.organisation.findUniqueOrThrow({ where: { id } });
    await tx.organisation.update({ where: { id }, data: { name: r.data } });
    await recordAudit(tx, {
      action: "admin.organisation_renamed",
      outcome: "success",
      actor: auditActor(actor),
      orgId: id,
      target: { type: "organisation", id },
      details: { from: before.name, to: r.data },
    });
  });
}

export async function setOrganisationActive(actor: AdminActor, id: string, active: boolean, now = new Date()): Promise<void> {
  await asAdmin(actor, async (tx) => {
    const me = await tx.user.findUniqueOrThrow({ where: { id: actor.userId } });
    if (!active && me.orgId === id) throw new AdminInputError({ action: "You cannot deactivate your own organisation" });
    await tx.organisation.update({ where: { id }, data: { active } });
    let ended = 0;
    if (!active) {
      for (const u of await tx.user.findMany({ where: { orgId: id }, select: { id: true } })) {
        ended += await endSessionsOfUser(tx, u.id, "organisation_deactivated", now);
      }
    }
    await recordAudit(tx, {
      action: active ? "admin.organisation_reactivated" : "admin.organisation_deactivated",
      outcome: "success",
      actor: auditActor(actor),
      orgId: id,
      target: { type: "organisation", id },
      details: { sessions_ended: ended },
    });
  });
}

// Password policy and keys -----------------------------------------------------------------------

export async function getPolicy(actor: AdminActor): Promise<PasswordPolicy> {
  return asAdmin(actor, (tx) => loadPolicy(tx));
}

export async function updatePolicy(actor: AdminActor, input: unknown): Promise<PasswordPolicy> {
  const r = passwordPolicySchema.safeParse(input);
  if (!r.success) throw new AdminInputError(fieldErrors(r.error));
  if (r.data.warnDays >= r.data.maxAgeDays) throw new AdminInputError({ warnDays: "Warnings must start less than the maximum age before expiry" });
  return asAdmin(actor, async (tx) => {
    const before = await loadPolicy(tx);
    await savePolicy(tx, r.data);
    await recordAudit(tx, {
      action: "admin.password_policy_updated",
      outcome: "success",
      actor: auditActor(actor),
      target: { type: "system_setting", id: "identity.password_policy" },
      details: Object.fromEntries(
        (Object.keys(r.data) as (keyof PasswordPolicy)[]).flatMap((k) => [
          [`${k}_from`, before[k]],
          [`${k}_to`, r.data[k]],
        ]),
      ),
    });
    return r.data;
  });
}

export async function rotateKeys(actor: AdminActor): Promise<string> {
  const kid = await asAdmin(actor, (tx) => rotateSigningKey(tx, auditActor(actor)));
  await reloadProvider();
  return kid;
}

/** For the demo and for tests: an account with a password and a role, no activation link. */
export async function provisionAccount(
  tx: Tx,
  input: { email: string; displayName: string; role: Role; orgId: string; password: string },
  now = new Date(),
): Promise<{ userId: string; result: PasswordChange }> {
  const email = normaliseEmail(input.email);
  const existing = await tx.user.findUnique({ where: { email } });
  const user = existing ?? (await tx.user.create({ data: { email, displayName: input.displayName, role: input.role, orgId: input.orgId } }));
  const result = await setPassword(tx, user.id, input.password, { now, reason: "activated", actor: { label: "system:provisioning" } });
  return { userId: user.id, result };
}
