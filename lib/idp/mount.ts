import "server-only";
import type { Mount } from "@/lib/server/mount";
import { publicUrl, usesBundledProvider } from "@/lib/auth/config";
import { contentSecurityPolicy } from "@/lib/server/security-headers";
import { purgeExpired } from "./adapter";
import { PAGE_HASHES } from "./pages";
import { getProvider, handleProviderRequest } from "./provider";
import { purgeExpiredThrottleRows } from "./throttle";

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
  const purge = () => Promise.all([purgeExpired().catch(() => 0), purgeExpiredThrottleRows().catch(() => 0)]);
  await purge();
  const timer = setInterval(() => void purge(), 60 * 60 * 1000);
  timer.unref();
  opts.log?.(`Identity provider ready at ${IDP_PREFIX} (OpenID Connect; accounts in PostgreSQL).`);
  const policy = contentSecurityPolicy({
    publicUrl: publicUrl(),
    scriptHashes: PAGE_HASHES.scripts,
    styleHashes: PAGE_HASHES.styles,
  });
  return {
    prefix: IDP_PREFIX,
    handle: async (req, res) => {
      // The provider's pages (logout, errors) come from here, not from Next.js: they carry
      // the same policy as the portal's pages, with hashes for their fixed inline parts.
      // The Node server has already set the headers common to every response.
      res.setHeader("Content-Security-Policy", policy);
      return handleProviderRequest(await getProvider(), IDP_PREFIX, req, res);
    },
    close: async () => clearInterval(timer),
  };
}
