import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface LocalSecrets {
  /** Superuser password of the embedded cluster. */
  embeddedSuperuserPassword: string;
  /** Password of the portal_app role. */
  appRolePassword: string;
  /** Signs the portal's session cookies (NEXTAUTH_SECRET when unset). */
  sessionSecret: string;
  /** Extra secrets other modules persist (cookie keys of the identity provider, ...). */
  extra: Record<string, string>;
}

const secret = () => randomBytes(24).toString("base64url");

/**
 * Secrets for a local installation, generated on first start and kept (mode 0600) beside the
 * embedded database so that restarts keep sessions and the app role's password.
 */
export function loadLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "secrets.json");
  fs.mkdirSync(dataDir, { recursive: true });
  let existing: Partial<LocalSecrets> = {};
  if (fs.existsSync(file)) existing = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<LocalSecrets>;
  const full: LocalSecrets = {
    embeddedSuperuserPassword: existing.embeddedSuperuserPassword ?? secret(),
    appRolePassword: existing.appRolePassword ?? secret(),
    sessionSecret: existing.sessionSecret ?? secret(),
    extra: existing.extra ?? {},
  };
  if (JSON.stringify(full) !== JSON.stringify(existing)) {
    fs.writeFileSync(file, JSON.stringify(full, null, 2), { mode: 0o600 });
  }
  return full;
}

/** Returns a named extra secret, creating and persisting it on first use. */
export function localSecret(dataDir: string, name: string, make: () => string = secret): string {
  const s = loadLocalSecrets(dataDir);
  const found = s.extra[name];
  if (found) return found;
  const value = make();
  s.extra[name] = value;
  fs.writeFileSync(path.join(dataDir, "secrets.json"), JSON.stringify(s, null, 2), { mode: 0o600 });
  return value;
}
