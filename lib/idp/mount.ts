import "server-only";
import type { Mount } from "@/lib/server/mounts";
import { usesBundledProvider } from "@/lib/auth/config";
import { purgeExpired } from "./adapter";
import { getProvider, handleProviderRequest } from "./provider";

export const IDP_PREFIX = "/oidc";

/**
 * The bundled OpenID Connect provider, served at /oidc beside Next.js on the same port. Not
 * mounted when OIDC_ISSUER points the portal at another provider.
 */
export async function identityProviderMount(opts: { log?: (line: string) => void } = {}): Promise<Mount | null> {
  if (!usesBundledProvider()) return null;
  // Built now rather than on the first request, so a key or database problem stops start-up
  // with a clear message instead of failing someone's sign-in later.
  await getProvider();
  await purgeExpired().catch(() => 0);
  const timer = setInterval(() => void purgeExpired().catch(() => 0), 60 * 60 * 1000);
  timer.unref();
  opts.log?.(`Identity provider ready at ${IDP_PREFIX} (OpenID Connect; accounts in PostgreSQL).`);
  return {
    prefix: IDP_PREFIX,
    handle: async (req, res) => handleProviderRequest(await getProvider(), IDP_PREFIX, req, res),
    close: async () => clearInterval(timer),
  };
}
