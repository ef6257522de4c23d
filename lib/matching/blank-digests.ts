import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { withContext } from "@/lib/db/tenant";

const DIGEST = /^[0-9a-f]{64}$/;

/**
 * Records the digest of a blank row for an agreement: what the partners' pseudonymising tool
 * outputs for a row whose identifier columns are all empty (SHA-256 of the salt alone). Partners
 * compute it with their key and hand it over; it reveals nothing about the key. Matching runs
 * report rows carrying it and never link them.
 */
export async function registerBlankDigest(opts: { agreementId: string; digest: string; note: string; actorLabel: string }): Promise<void> {
  const digest = opts.digest.trim().toLowerCase();
  if (!DIGEST.test(digest)) throw new RangeError("a blank-row digest is 64 hexadecimal characters");
  await withContext({ kind: "system", purpose: "matching-blank-digest" }, async (tx) => {
    await tx.matchingBlankDigest.upsert({
      where: { agreementId_digest: { agreementId: opts.agreementId, digest } },
      create: { agreementId: opts.agreementId, digest, note: opts.note },
      update: {},
    });
    await recordAudit(tx, {
      action: "matching.blank_digest_registered",
      outcome: "success",
      actor: { label: opts.actorLabel },
      target: { type: "agreement", id: opts.agreementId },
      details: { note: opts.note },
    });
  });
}
