// `npm run db:migrate`: prepare the database and apply pending migrations, then exit.
import path from "node:path";
import { parseEnv } from "@/lib/env";
import { prepareDatabase } from "@/lib/setup/prepare-database";

const env = parseEnv();
const db = await prepareDatabase({
  databaseUrl: env.DATABASE_URL,
  dataDir: path.resolve(env.PORTAL_DATA_DIR),
  embeddedPort: env.EMBEDDED_PG_PORT,
  log: (l) => console.log(l),
});
await db.stop();
