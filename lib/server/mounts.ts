import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { identityProviderMount } from "@/lib/idp/mount";
import { log } from "@/lib/log";

/** A Node-level handler served beside Next.js on the same port (the identity provider, ...). */
export interface Mount {
  /** Path prefix, e.g. "/oidc". Requests under it never reach Next.js. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
  close?(): Promise<void>;
}

/** Builds the mounts for this process. Each domain that serves raw HTTP adds itself here. */
export async function createMounts(_opts: { publicUrl: string; dataDir: string }): Promise<Mount[]> {
  const mounts: Mount[] = [];
  const idp = await identityProviderMount({ log: (line) => log({ component: "portal" }).info(line) });
  if (idp) mounts.push(idp);
  return mounts;
}
