import { defineConfig } from "vitest/config";
import path from "node:path";

const root = path.dirname(new URL(import.meta.url).pathname);
// `npm run test:unit`: the tests that need no database, without starting one.
const unitOnly = process.env.PORTAL_TEST_SCOPE === "unit";
const integrationOnly = process.env.PORTAL_TEST_SCOPE === "integration";
const INTEGRATION = "**/*.integration.test.ts";

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "scripts/shims/server-only.js"),
    },
  },
  test: {
    include: integrationOnly
      ? [`tests/${INTEGRATION}`]
      : ["lib/**/*.test.ts", "components/**/*.test.ts", "scripts/**/*.test.ts", "tests/**/*.test.ts"],
    exclude: ["node_modules", ".next", "e2e/**", ...(unitOnly ? [INTEGRATION] : [])],
    globalSetup: unitOnly ? [] : ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/env.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
