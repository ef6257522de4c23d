// Lists the routes the app router serves by walking app/, for the route-access tests (vitest
// and Playwright). Plain Node code with no secrets, so usable outside Next.js.
import fs from "node:fs";
import path from "node:path";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface AppRoute {
  /** "/admin/accounts/[id]" */
  pattern: string;
  kind: "page" | "route";
  file: string;
  /** Route handlers: the methods the file exports. Pages: GET. */
  methods: HttpMethod[];
}

const PAGE = /^page\.(tsx|ts|jsx|js|mdx)$/;
const ROUTE = /^route\.(ts|js)$/;
const METHODS: HttpMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function exportedMethods(source: string): HttpMethod[] {
  const found = new Set<HttpMethod>();
  for (const m of METHODS) {
    const direct = new RegExp(`export\\s+(?:async\\s+)?(?:function|const|let)\\s+${m}\\b`);
    const aliased = new RegExp(`export\\s*\\{[^}]*\\b(?:as\\s+)?${m}\\b[^}]*\\}`);
    if (direct.test(source) || aliased.test(source)) found.add(m);
  }
  return [...found];
}

function segmentOf(name: string): string | null {
  if (/^\(.*\)$/.test(name)) return null; // route group: not part of the URL
  return name;
}

export function listAppRoutes(appDir = path.resolve(process.cwd(), "app")): AppRoute[] {
  const out: AppRoute[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        // Private folders (_x) and parallel-route slots (@x) add no URL of their own.
        if (entry.name.startsWith("_") || entry.name.startsWith("@")) continue;
        const seg = segmentOf(entry.name);
        walk(full, seg === null ? segments : [...segments, seg]);
        continue;
      }
      const pattern = `/${segments.join("/")}`;
      if (PAGE.test(entry.name)) out.push({ pattern, kind: "page", file: path.relative(process.cwd(), full), methods: ["GET"] });
      else if (ROUTE.test(entry.name)) {
        out.push({ pattern, kind: "route", file: path.relative(process.cwd(), full), methods: exportedMethods(fs.readFileSync(full, "utf8")) });
      }
    }
  };
  walk(appDir, []);
  return out.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/** A concrete URL for a pattern: dynamic segments get a well-formed id that names nothing. */
export function exampleUrl(pattern: string): string {
  return pattern
    .replace(/\[\[\.\.\.[^\]]+\]\]/g, "example")
    .replace(/\[\.\.\.[^\]]+\]/g, "example/path")
    .replace(/\[[^\]]+\]/g, "00000000-0000-4000-8000-000000000000");
}
