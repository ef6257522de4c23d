import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import "@/lib/validation/plain-errors";
import { withContext, type Tx } from "@/lib/db/tenant";
import { estimateStrength, userInputWords, type WeaknessReason } from "./strength";

export const POLICY_KEY = "identity.password_policy";

/** A whole number typed into a form: anything else is told so in words, never "expected number, received NaN". */
const whole = () => z.coerce.number({ error: "must be a whole number, in digits" }).int({ error: "must be a whole number, in digits" });

export const passwordPolicySchema = z.object({
  minLength: whole().min(12, "must be 12 or more").max(128, "must be 128 or less"),
  historyCount: whole().min(0, "cannot be negative").max(24, "must be 24 or less"),
  maxAgeDays: whole().min(1, "must be at least 1 day").max(365, "must be 365 days or less"),
  warnDays: whole().min(0, "cannot be negative").max(60, "must be 60 days or less"),
  lockoutThreshold: whole().min(3, "must be 3 or more").max(20, "must be 20 or less"),
});

export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

/** The defaults the brief sets (rule 5: passwords force-changed every 180 days). */
export const DEFAULT_POLICY: PasswordPolicy = {
  minLength: 12,
  historyCount: 5,
  maxAgeDays: 180,
  warnDays: 14,
  lockoutThreshold: 5,
};

export async function loadPolicy(tx: Tx): Promise<PasswordPolicy> {
  const row = await tx.systemSetting.findUnique({ where: { key: POLICY_KEY } });
  const parsed = passwordPolicySchema.partial().safeParse(row?.value ?? {});
  return { ...DEFAULT_POLICY, ...(parsed.success ? parsed.data : {}) };
}

export async function savePolicy(tx: Tx, policy: PasswordPolicy): Promise<void> {
  await tx.systemSetting.upsert({
    where: { key: POLICY_KEY },
    create: { key: POLICY_KEY, value: policy },
    update: { value: policy, updatedAt: new Date() },
  });
}

let common: Set<string> | undefined;

/** The shipped list (lib/idp/common-passwords.txt), lower-cased. */
export function commonPasswords(): Set<string> {
  if (!common) {
    const file = path.resolve(process.cwd(), "lib/idp/common-passwords.txt");
    common = new Set(
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim().toLowerCase())
        .filter((l) => l && !l.startsWith("#")),
    );
  }
  return common;
}

/**
 * The common word a password is built on, once the decorations people add to meet rules are
 * taken off ("Password2024!" → "password"), so that such variants are refused with the list.
 */
function stem(password: string): string {
  return password
    .toLowerCase()
    .replace(/[\d\W_]+$/u, "")
    .replace(/^[\d\W_]+/u, "");
}

export interface PasswordProblem {
  /** `weak-<reason>`: the strength estimate's verdict, with why (lib/idp/strength.ts). */
  code: "too_short" | "too_long" | "common" | "contains_identity" | "reused" | "mismatch" | `weak-${WeaknessReason}`;
  message: string;
}

/** Words of the platform itself, guessed first by anyone attacking it. */
const PLATFORM_WORDS = ["essex", "data", "platform", "portal", "vange", "basildon", "council", "police", "university"];

/** Anyone can compare without spaces, hyphens or dots: "correct horse battery staple". */
const squashed = (s: string) => s.replace(/[\s\-_.]+/gu, "");

const HOW_TO_CHOOSE =
  "Choose three or four random words that have nothing to do with you, your work or each other, for example words picked from a book, and join them (with spaces or hyphens if you like)";

const WEAK_WHY: Record<WeaknessReason, string> = {
  identity: "it is built on your name, your e-mail address, an organisation's name or the platform's name",
  repeat: "it repeats the same characters or words",
  sequence: "it contains a run like abc, 123 or 987",
  date: "it contains a year or a date, which are among the first things tried",
  keyboard: "it follows a pattern of neighbouring keys on the keyboard",
  common: "it is a common password or very close to one",
  word: "it is a single word or name, which is quick to find in a dictionary",
  other: "it is made of common words, names or patterns in a predictable way",
};

function weakMessage(reason: WeaknessReason): string {
  return `Your password would be too easy to guess: ${WEAK_WHY[reason]}. ${HOW_TO_CHOOSE}.`;
}

/**
 * Checks a new password against everything except history (which needs the stored hashes):
 * length, the deny list, the person's own name and address, and the strength estimate, which
 * is also given the organisation's name and the other organisations' names to look for.
 */
export function checkPassword(
  policy: PasswordPolicy,
  password: string,
  identity: { email: string; displayName?: string; orgName?: string; otherNames?: readonly string[] },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...password].length;
  if (length < policy.minLength) {
    problems.push({ code: "too_short", message: `Your password must be at least ${policy.minLength} characters long` });
  }
  // argon2 hashes anything, but a cap keeps hashing cost bounded for a hostile request.
  if (length > 256) problems.push({ code: "too_long", message: "Your password must be 256 characters or fewer" });
  const lower = password.toLowerCase();
  const list = commonPasswords();
  const s = stem(password);
  if (list.has(lower) || list.has(squashed(lower)) || (s.length >= 4 && (list.has(s) || list.has(squashed(s))))) {
    problems.push({ code: "common", message: "Your password is too common: choose one that is harder to guess" });
  }
  const email = identity.email.toLowerCase();
  const local = email.split("@")[0] ?? "";
  const nameParts = (identity.displayName ?? "")
    .toLowerCase()
    .split(/\s+/)
    .filter((p) => p.length >= 4);
  const pieces = [email, local, ...nameParts].filter((p) => p.length >= 3);
  if (pieces.some((p) => lower.includes(p))) {
    problems.push({ code: "contains_identity", message: "Your password must not contain your e-mail address or your name" });
  }
  // Only when nothing plainer is wrong: one clear reason is easier to act on than four.
  if (problems.length === 0) {
    const inputs = userInputWords([identity.email, identity.displayName, identity.orgName, ...(identity.otherNames ?? []), ...PLATFORM_WORDS]);
    const verdict = estimateStrength(password, inputs);
    if (!verdict.strong && verdict.reason) problems.push({ code: `weak-${verdict.reason}`, message: weakMessage(verdict.reason) });
  }
  return problems;
}

const DAY = 86_400_000;

export interface PasswordAge {
  ageDays: number | null;
  daysToExpiry: number | null;
  expired: boolean;
  warn: boolean;
}

/** Age, days left and whether to warn or force a change, for a password set at `changedAt`. */
export function passwordAge(policy: PasswordPolicy, changedAt: Date | null, now = new Date()): PasswordAge {
  if (!changedAt) return { ageDays: null, daysToExpiry: null, expired: false, warn: false };
  const expiresAt = changedAt.getTime() + policy.maxAgeDays * DAY;
  const msLeft = expiresAt - now.getTime();
  const daysToExpiry = Math.ceil(msLeft / DAY);
  return {
    ageDays: Math.floor((now.getTime() - changedAt.getTime()) / DAY),
    daysToExpiry: Math.max(0, daysToExpiry),
    expired: msLeft <= 0,
    warn: msLeft > 0 && msLeft <= policy.warnDays * DAY,
  };
}

/** The rules as a user reads them, beside a new-password field. */
export function describePolicy(policy: PasswordPolicy): string[] {
  return [
    `at least ${policy.minLength} characters – a few unrelated words work well`,
    "not a common password, nor a common word with numbers or symbols added",
    "hard to guess: not built on names, dates, repeats or keyboard patterns",
    "not containing your e-mail address or your name",
    ...(policy.historyCount > 0 ? [`not one of your last ${policy.historyCount} passwords`] : []),
  ];
}

export function problemMessage(policy: PasswordPolicy, code: string): string | null {
  switch (code) {
    case "too_short":
      return `Your password must be at least ${policy.minLength} characters long`;
    case "too_long":
      return "Your password must be 256 characters or fewer";
    case "common":
      return "Your password is too common: choose one that is harder to guess";
    case "contains_identity":
      return "Your password must not contain your e-mail address or your name";
    case "reused":
      return `Your password must differ from your last ${policy.historyCount} passwords`;
    case "mismatch":
      return "The two passwords do not match: enter the same new password twice";
    default: {
      const reason = code.startsWith("weak-") ? (code.slice(5) as WeaknessReason) : null;
      return reason && reason in WEAK_WHY ? weakMessage(reason) : null;
    }
  }
}

export async function currentPolicy(): Promise<PasswordPolicy> {
  return withContext({ kind: "system", purpose: "password-policy" }, (tx) => loadPolicy(tx));
}
