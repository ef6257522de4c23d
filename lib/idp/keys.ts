import "server-only";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { withContext, type Tx } from "@/lib/db/tenant";
import { decryptSecret, encryptSecret, SecretUnreadableError } from "./crypto";

export const SIGNING_ALG = "RS256";
/**
 * How long a replaced key stays published. Longer than anything it signed lives (ID and access
 * tokens: 1 hour), so relying parties holding a cached JWKS keep verifying across a rotation.
 */
export const RETIRING_FOR_MS = 24 * 60 * 60 * 1000;

export interface SigningJwk {
  kty: string;
  kid: string;
  alg: string;
  use: "sig";
  [k: string]: unknown;
}

function newKey(): { kid: string; jwk: Record<string, unknown> } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: randomBytes(12).toString("base64url"), jwk: privateKey.export({ format: "jwk" }) as Record<string, unknown> };
}

async function insertActive(tx: Tx, now: Date) {
  const { kid, jwk } = newKey();
  await tx.idpSigningKey.create({
    data: { kid, alg: SIGNING_ALG, status: "active", privateJwk: encryptSecret(JSON.stringify(jwk)), createdAt: now },
  });
  return kid;
}

const system = { kind: "system", purpose: "identity-provider-keys" } as const;

/**
 * The keys the provider signs with and publishes: the active one first (oidc-provider signs
 * with the first key of an algorithm), then those still retiring. Makes the first key on the
 * first start, and moves retiring keys past their date to 'retired'.
 */
export async function loadSigningKeys(now = new Date()): Promise<SigningJwk[]> {
  return withContext(system, async (tx) => {
    // Two processes starting together must not both create "the" first key.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('portal:idp-signing-key'))");
    await tx.idpSigningKey.updateMany({
      where: { status: "retiring", retireAfter: { lt: now } },
      data: { status: "retired" },
    });
    const read = async () => {
      const rows = await tx.idpSigningKey.findMany({ where: { status: { in: ["active", "retiring"] } }, orderBy: { createdAt: "desc" } });
      const keys: { status: string; jwk: SigningJwk }[] = [];
      for (const r of rows) {
        try {
          const jwk = { ...(JSON.parse(decryptSecret(r.privateJwk)) as Record<string, unknown>), kid: r.kid, alg: r.alg, use: "sig" } as SigningJwk;
          keys.push({ status: r.status, jwk });
        } catch (e) {
          if (!(e instanceof SecretUnreadableError)) throw e;
          // The data key that sealed it is gone (a new PORTAL_DATA_DIR): the key is useless, so
          // it is retired and a new one made; tokens it signed stop verifying, sessions go on.
          await tx.idpSigningKey.update({ where: { kid: r.kid }, data: { status: "retired" } });
          await recordAudit(tx, {
            action: "idp.signing_key_unreadable",
            outcome: "failure",
            actor: { label: "system:identity-provider" },
            target: { type: "idp_signing_key", id: r.kid },
          });
        }
      }
      return keys;
    };
    let keys = await read();
    if (!keys.some((k) => k.status === "active")) {
      await insertActive(tx, now);
      await recordAudit(tx, { action: "idp.signing_key_created", outcome: "success", actor: { label: "system:identity-provider" } });
      keys = await read();
    }
    keys.sort((a, b) => (a.status === b.status ? 0 : a.status === "active" ? -1 : 1));
    return keys.map((k) => k.jwk);
  });
}

export interface KeySummary {
  kid: string;
  alg: string;
  status: string;
  createdAt: Date;
  retireAfter: Date | null;
}

export async function listSigningKeys(tx: Tx): Promise<KeySummary[]> {
  return tx.idpSigningKey.findMany({
    select: { kid: true, alg: true, status: true, createdAt: true, retireAfter: true },
    orderBy: { createdAt: "desc" },
  });
}

/**
 * Starts signing with a new key. The old one stays published for RETIRING_FOR_MS so tokens it
 * signed still verify; the provider must be rebuilt to pick the change up (reloadProvider()).
 */
export async function rotateSigningKey(tx: Tx, actor: { userId: string; label: string; role: string }, now = new Date()): Promise<string> {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('portal:idp-signing-key'))");
  const old = await tx.idpSigningKey.findMany({ where: { status: "active" } });
  await tx.idpSigningKey.updateMany({
    where: { status: "active" },
    data: { status: "retiring", retireAfter: new Date(now.getTime() + RETIRING_FOR_MS) },
  });
  const kid = await insertActive(tx, now);
  await recordAudit(tx, {
    action: "idp.signing_key_rotated",
    outcome: "success",
    actor,
    target: { type: "idp_signing_key", id: kid },
    details: { previous: old.map((k) => k.kid).join(" ") || null },
  });
  return kid;
}
