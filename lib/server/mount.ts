import type { IncomingMessage, ServerResponse } from "node:http";

/** A Node-level handler served beside Next.js on the same port (the identity provider, ...). */
export interface Mount {
  /** Path prefix, e.g. "/oidc". Requests under it never reach Next.js. */
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
  close?(): Promise<void>;
}
