// The shape of the code: no import cycle between modules, and no import from a lower layer to a
// higher one. Layers, low to high (a module may import its own layer and those below):
//
//   base         config, logging, ids, errors, the Actor type, pure helpers, HTTP header rules
//   data         the database client and tenant context, the audit trail, the job queue's plumbing
//   domain       datasets, disclosure, identity, mail, ingest, matching, dashboards, SFTP, demo data
//   composition  start-up and first run, job workers, backup, the Node server and its mounts
//   http         the request path: route table and adapter (lib/http)
//   ui           app/, components/, proxy.ts
//
// Domains may use each other (ingest queues mail; dashboards read matching runs); the cycle check
// keeps those arrows one way. Type-only imports count: a cycle of types is still a knot.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = process.cwd();

const LAYERS: { name: string; prefixes: string[] }[] = [
  {
    name: "base",
    prefixes: [
      "lib/generated/",
      "lib/actor.ts",
      "lib/errors.ts",
      "lib/ids.ts",
      "lib/text/",
      "lib/csv/",
      "lib/process/",
      "lib/env.ts",
      "lib/log.ts",
      "lib/validation/",
      "lib/server/security-headers.ts",
      "lib/server/cross-site.ts",
      "lib/server/mount.ts",
      "lib/datasets/period.ts",
    ],
  },
  { name: "data", prefixes: ["lib/db/", "lib/audit/", "lib/queue/"] },
  {
    name: "domain",
    prefixes: [
      "lib/datasets/",
      "lib/disclosure/",
      "lib/geography/",
      "lib/demo/",
      "lib/pseudonymise/",
      "lib/troubled-families/",
      "lib/auth/",
      "lib/idp/",
      "lib/mail/",
      "lib/ingest/",
      "lib/matching/",
      "lib/dashboards/",
      "lib/sftp/",
      "lib/release/",
      "lib/agreements/",
      "lib/incidents/",
      "lib/admin-confirm.ts",
    ],
  },
  { name: "composition", prefixes: ["lib/jobs/", "lib/setup/", "lib/backup/", "lib/server/"] },
  { name: "http", prefixes: ["lib/http/"] },
  { name: "ui", prefixes: ["app/", "components/", "proxy.ts"] },
];

function layerOf(rel: string): number {
  let best = -1;
  let bestLen = -1;
  LAYERS.forEach((l, i) => {
    for (const p of l.prefixes) if (rel.startsWith(p) && p.length > bestLen) [best, bestLen] = [i, p.length];
  });
  return best;
}

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules" && e.name !== "generated") walk(full, out);
    } else if (/\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts")) out.push(full);
  }
  return out;
}

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) base = path.resolve(path.dirname(from), spec);
  else return null;
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  }
  return null;
}

function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier))
      specs.push(n.moduleSpecifier.text);
    else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0]))
      specs.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return specs.map((s) => resolve(file, s)).filter((r): r is string => r !== null && !r.includes(`${path.sep}generated${path.sep}`));
}

const files = [...walk(path.join(ROOT, "lib")), ...walk(path.join(ROOT, "app")), ...walk(path.join(ROOT, "components")), path.join(ROOT, "proxy.ts")];
const rel = (f: string) => path.relative(ROOT, f);
const graph = new Map(files.map((f) => [rel(f), importsOf(f).map(rel)]));

/** Strongly connected components of more than one module (or a module importing itself): Tarjan. */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) strong(v);
  return out;
}

describe("imports", () => {
  it("every module of lib/, app/ and components/ has a layer", () => {
    expect([...graph.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it("form no cycle", () => {
    expect(cycles(graph), "modules that import each other, directly or round a loop").toEqual([]);
  });

  it("never go from a lower layer to a higher one", () => {
    const upward: string[] = [];
    for (const [from, tos] of graph) {
      const lf = layerOf(from);
      for (const to of tos) {
        const lt = layerOf(to);
        if (lt > lf) upward.push(`${from} (${LAYERS[lf]!.name}) imports ${to} (${LAYERS[lt]!.name})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("finds the arrows it is meant to judge (the check is not vacuous)", () => {
    expect(graph.size).toBeGreaterThan(150);
    expect(graph.get("lib/http/adapter.ts")).toContain("lib/http/routes.ts");
    const tiny = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a"]],
      ["d", ["a"]],
    ]);
    expect(cycles(tiny)).toEqual([["a", "b", "c"]]);
  });
});
