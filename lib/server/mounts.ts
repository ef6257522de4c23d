import "server-only";
import type { Mount } from "./mount";
import { identityProviderMount } from "@/lib/idp/mount";
import { log } from "@/lib/log";

// The Mount type lives in ./mount.ts, below the domains that implement it (lib/idp/mount.ts).
export type { Mount };

/** Builds the mounts for this process. Each domain that serves raw HTTP adds itself here. */
export async function createMounts(_opts: { publicUrl: string; dataDir: string }): Promise<Mount[]> {
  const mounts: Mount[] = [];
  const idp = await identityProviderMount({ log: (line) => log({ component: "portal" }).info(line) });
  if (idp) mounts.push(idp);
  return mounts;
}
