// The one entry point of every command in package.json: `node scripts/run.mjs <name> [args…]` runs
// scripts/<name>.ts in this process, with TypeScript (tsx) and the `server-only` shim loaded first,
// so each script line says what it runs, not how to load TypeScript.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error("Usage: node scripts/run.mjs <script name> [arguments]  (runs scripts/<script name>.ts)");
  process.exit(2);
}
register();
await import("./shims/register.mjs");
// The script sees its own arguments, as if it had been started directly.
process.argv.splice(2, 1);
await import(pathToFileURL(path.join(import.meta.dirname, `${name}.ts`)).href);
