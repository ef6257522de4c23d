import "server-only";
import { withContext } from "@/lib/db/tenant";
import { loadPolicy, passwordAge } from "./policy";

/** For the signed-in home page: how long the user's bundled-provider password has left, when it is time to warn. */
export async function passwordExpiryNotice(userId: string, now = new Date()): Promise<{ daysLeft: number } | null> {
  return withContext({ kind: "system", purpose: "password-expiry-notice" }, async (tx) => {
    const cred = await tx.idpCredential.findUnique({ where: { userId } });
    if (!cred?.passwordChangedAt) return null;
    const age = passwordAge(await loadPolicy(tx), cred.passwordChangedAt, now);
    if (!age.warn && !age.expired) return null;
    return { daysLeft: age.expired ? 0 : (age.daysToExpiry ?? 0) };
  });
}
