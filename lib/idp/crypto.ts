import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { localSecret } from "@/lib/db/secrets";
import { dataDir } from "@/lib/auth/config";

// TOTP secrets and token-signing keys must be readable by the provider, so they cannot be
// hashed; they are encrypted with a key kept with the local secrets (PORTAL_DATA_DIR), so that
// a copy of the database alone does not reveal them.
function dataKey(): Buffer {
  const b64 = localSecret(dataDir(), "idp-data-key", () => randomBytes(32).toString("base64url"));
  return Buffer.from(b64, "base64url");
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", dataKey(), iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export class SecretUnreadableError extends Error {
  name = "SecretUnreadableError";
}

export function decryptSecret(sealed: string): string {
  const [v, iv, tag, ct] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || !ct) throw new SecretUnreadableError("not a sealed secret");
  try {
    const d = createDecipheriv("aes-256-gcm", dataKey(), Buffer.from(iv, "base64url"));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadableError("the data key does not open this secret (was PORTAL_DATA_DIR replaced?)");
  }
}

/** Hash for high-entropy one-time values (activation tokens, recovery codes). */
export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
