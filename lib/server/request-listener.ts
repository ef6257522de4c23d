import type { IncomingMessage, ServerResponse } from "node:http";
import { CROSS_SITE_MESSAGE, crossSiteVerdict } from "./cross-site";
import type { Mount } from "./mounts";
import { commonSecurityHeaders } from "./security-headers";

/** Request header carrying the connection's address to Next.js's route handlers. */
export const CLIENT_ADDRESS_HEADER = "x-portal-client-address";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function refuse(req: IncomingMessage, res: ServerResponse) {
  res.statusCode = 403;
  res.setHeader("cache-control", "no-store");
  res.setHeader("connection", "close");
  const accept = one(req.headers.accept) ?? "";
  if (accept.includes("text/html")) {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    res.end(
      `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Request refused – Essex Data Platform</title></head>` +
        `<body><h1>Request refused</h1><p>${CROSS_SITE_MESSAGE}</p><p><a href="/">Go to the portal's home page</a></p></body></html>`,
    );
  } else {
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify({ error: "cross_site_request", message: CROSS_SITE_MESSAGE }));
  }
  // The upload body (if any) is not read; closing keeps the client from streaming gigabytes.
  req.resume();
}

export const DATABASE_DOWN_MESSAGE = "The portal cannot reach its database just now. Nothing you sent was lost; try again in a minute.";

/** Static files and the health check are served during a database outage; everything else waits. */
const servedWithoutDatabase = (url: string) =>
  url.startsWith("/_next/static/") || url === "/favicon.ico" || url === "/icon.svg" || url.startsWith("/api/health") || url === "/pseudonymise-sw.js";

function unavailable(req: IncomingMessage, res: ServerResponse) {
  res.statusCode = 503;
  res.setHeader("retry-after", "60");
  res.setHeader("cache-control", "no-store");
  const accept = one(req.headers.accept) ?? "";
  if (accept.includes("text/html")) {
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    res.end(
      `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
        `<title>Service unavailable – Essex Data Platform</title>` +
        `<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#0b0c0c;line-height:1.5}h1{font-size:2rem}</style></head>` +
        `<body><main><h1>Sorry, the portal is unavailable</h1><p>${DATABASE_DOWN_MESSAGE}</p>` +
        `<p>If this lasts more than a few minutes, tell the platform team.</p><p><a href="${escapeHtml(req.url ?? "/")}">Try again</a></p></main></body></html>`,
    );
  } else {
    res.setHeader("content-type", "application/json; charset=utf-8");
    res.end(JSON.stringify({ error: "database_unavailable", message: DATABASE_DOWN_MESSAGE }));
  }
  req.resume();
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The portal's one HTTP door: every response gets the common security headers; a
 * state-changing request from another site is refused before any handler (route handler,
 * server action, upload) sees it; then the request goes to its mount or to Next.js.
 * While the database does not answer, pages and handlers get a plain 503 page instead.
 * Mounts (the identity provider) keep their own protection: its token endpoint is called by
 * other servers, and its forms carry oidc-provider's own tokens.
 */
export function requestListener(opts: {
  publicUrl: string;
  mounts: Mount[];
  next: Handler;
  onError?: (e: unknown) => void;
  /** Whether the database answers (lib/db/availability.ts); while it does not, pages get a 503 page. */
  databaseAvailable?: () => boolean;
}): Handler {
  const portalOrigin = new URL(opts.publicUrl).origin;
  const common = commonSecurityHeaders(opts.publicUrl);
  return (req, res) => {
    for (const [k, v] of common) res.setHeader(k, v);
    // The address the connection comes from, for throttling sign-in attempts per client
    // (lib/idp/throttle.ts). Set here, overwriting anything the client sent under that name.
    req.headers[CLIENT_ADDRESS_HEADER] = req.socket.remoteAddress ?? "unknown";
    const url = req.url ?? "/";
    // During a database outage every page would fail half-way: answer at once, plainly, with 503.
    if (opts.databaseAvailable && !servedWithoutDatabase(url) && !opts.databaseAvailable()) return unavailable(req, res);
    const mount = opts.mounts.find((m) => url === m.prefix || url.startsWith(`${m.prefix}/`) || url.startsWith(`${m.prefix}?`));
    if (!mount) {
      const verdict = crossSiteVerdict(
        { method: req.method ?? "GET", origin: one(req.headers.origin), secFetchSite: one(req.headers["sec-fetch-site"]) },
        portalOrigin,
      );
      if (!verdict.ok) return refuse(req, res);
    }
    const work = mount ? mount.handle(req, res) : opts.next(req, res);
    return Promise.resolve(work).catch((e: unknown) => {
      opts.onError?.(e);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("content-type", "text/plain; charset=utf-8");
      }
      res.end("Something went wrong on our side. The error has been logged.");
    });
  };
}
