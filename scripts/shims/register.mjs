// Loaded with `node --import tsx --import ./scripts/shims/register.mjs` by every CLI entry point.
// Outside the Next.js bundler `server-only` would throw on import; these processes are
// server-side by construction, so the guard resolves to an empty module.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
      const shim = ${JSON.stringify(new URL("./server-only.js", import.meta.url).href)};
      export async function resolve(specifier, context, next) {
        if (specifier === "server-only") return { url: shim, shortCircuit: true };
        return next(specifier, context);
      }
    `),
);
