import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's schema engine cannot be downloaded here (its host is unreachable), and this project
// never uses it: migrations are hand-written SQL applied by lib/db/migrate.ts. `generate`,
// `validate` and `format` only need the variable to name an existing file.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("package.json");

export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://localhost/portal",
  },
});
