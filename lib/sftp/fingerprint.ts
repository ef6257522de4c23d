import "server-only";
import { createHash } from "node:crypto";

/** OpenSSH's fingerprint of a host key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function sshFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** Accepts `SHA256:abc…`, with or without padding or surrounding spaces. */
export function normaliseFingerprint(text: string): string | null {
  const m = /^\s*SHA256:([A-Za-z0-9+/]{43})=?\s*$/.exec(text);
  return m ? `SHA256:${m[1]}` : null;
}
