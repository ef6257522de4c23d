import "server-only";
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { localSecret } from "@/lib/db/secrets";
import { env } from "@/lib/env";
import { dataDir } from "@/lib/ingest/paths";

/*
 * SFTP passwords and private keys are stored encrypted so that a database dump alone does not
 * open partners' servers. The key lives outside the database: SFTP_CREDENTIAL_KEY, or one
 * generated on first use and kept in <PORTAL_DATA_DIR>/secrets.json (mode 0600).
 */
function key(): Buffer {
  const configured = env().SFTP_CREDENTIAL_KEY;
  const material = configured ?? localSecret(dataDir(), "sftpCredentialKey", () => randomBytes(32).toString("base64"));
  return createHash("sha256").update(material, "utf8").digest();
}

const VERSION = "v1";

export function encryptCredential(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

export class CredentialError extends Error {
  name = "CredentialError";
}

export function decryptCredential(stored: string): string {
  const [version, iv, tag, body] = stored.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new CredentialError("stored SFTP credential has an unknown format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new CredentialError("the stored SFTP credential cannot be decrypted: was SFTP_CREDENTIAL_KEY changed? Enter the credential again.");
  }
}
