import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// RFC 6238 TOTP with the parameters every authenticator app supports: HMAC-SHA-1, 6 digits,
// 30-second steps. Written against node:crypto rather than a library: it is a dozen lines and
// the RFC's test vectors pin it down (totp.test.ts).

export const PERIOD_SECONDS = 30;
export const DIGITS = 6;
/** Steps either side of now that are still accepted, for clock drift. */
export const DRIFT_STEPS = 1;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(buf: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(input: string): Buffer {
  const clean = input.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const idx = ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error("not base32");
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP value for a counter, as a zero-padded decimal string. */
export function hotp(secret: Uint8Array, counter: bigint, digits = DIGITS): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(counter);
  const mac = createHmac("sha1", secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, "0");
}

export function timeStep(now: Date): bigint {
  return BigInt(Math.floor(now.getTime() / 1000 / PERIOD_SECONDS));
}

export function totpAt(secret: Uint8Array, now: Date): string {
  return hotp(secret, timeStep(now));
}

export type TotpCheck = { ok: true; step: bigint } | { ok: false; reason: "invalid" | "replayed" };

/**
 * Checks a code against the current step and one either side. A code for a step at or before
 * `lastStep` (the last one accepted) is refused, so each code works once and an older code
 * cannot be slipped in after a newer one.
 */
export function verifyTotp(secret: Uint8Array, code: string, now: Date, lastStep: bigint | null): TotpCheck {
  const digits = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(digits)) return { ok: false, reason: "invalid" };
  const current = timeStep(now);
  let matched: bigint | null = null;
  for (let d = -DRIFT_STEPS; d <= DRIFT_STEPS; d++) {
    const step = current + BigInt(d);
    if (step < 0n) continue;
    const expected = Buffer.from(hotp(secret, step));
    // Every candidate is compared, in constant time, whatever matched earlier.
    if (timingSafeEqual(expected, Buffer.from(digits)) && matched === null) matched = step;
  }
  if (matched === null) return { ok: false, reason: "invalid" };
  if (lastStep !== null && matched <= lastStep) return { ok: false, reason: "replayed" };
  return { ok: true, step: matched };
}

export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function otpauthUri(opts: { secret: string; account: string; issuer: string }): string {
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const q = new URLSearchParams({
    secret: opts.secret,
    issuer: opts.issuer,
    algorithm: "SHA1",
    digits: String(DIGITS),
    period: String(PERIOD_SECONDS),
  });
  return `otpauth://totp/${label}?${q.toString()}`;
}

/** The secret in groups of four, easier to type into an app by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}
