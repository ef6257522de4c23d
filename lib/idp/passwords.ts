import "server-only";
import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's baseline (19 MiB, 2 passes, 1 lane): about 50 ms per hash here.
// `algorithm: 2` is Argon2id (the package's const enum cannot be imported under isolatedModules).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    // Same work as a real check, so response time does not tell whether an account exists.
    await verify(await dummyHash(), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hash("not-a-real-password-for-timing-only", OPTIONS);
  return dummy;
}
