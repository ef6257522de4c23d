// The request path's guarantees, checked on the source of app/ (docs/decisions/100-one-request-path.md):
// every page, route handler and server action is produced by lib/http/adapter.ts under a key of
// the route table (lib/http/routes.ts), and the table and app/ agree one to one.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { listAppRoutes } from "@/lib/http/app-routes";
import { ROLES } from "@/lib/auth/roles";
import { ROUTES, type RouteKind, type RouteSpec } from "@/lib/http/routes";

const ADAPTER = "@/lib/http/adapter";
const TABLE = Object.entries(ROUTES) as [string, RouteSpec][];
const HOW =
  "Declare it with definePage / defineHandler / defineAction / defineFormAction from lib/http/adapter.ts, under its key in lib/http/routes.ts.";

// Exports a page or route file may have besides the adapter's: Next.js segment options, plain values.
const SEGMENT_OPTIONS = new Set(["metadata", "dynamic", "runtime", "revalidate", "dynamicParams", "fetchCache", "preferredRegion", "maxDuration"]);
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const PRODUCER: Record<string, RouteKind> = {
  definePage: "page",
  definePageMetadata: "page",
  defineHandler: "handler",
  defineAction: "action",
  defineFormAction: "action",
};

function walk(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(full);
  }
  return out;
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(
    file,
    fs.readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    true,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
}

/** Local names bound to the adapter's producers by `import { … } from "@/lib/http/adapter"`. */
function adapterImports(sf: ts.SourceFile): Map<string, string> {
  const names = new Map<string, string>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== ADAPTER) continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) continue;
    for (const el of bindings.elements) {
      const imported = (el.propertyName ?? el.name).text;
      if (imported in PRODUCER) names.set(el.name.text, imported);
    }
  }
  return names;
}

/** The adapter call an expression is, as { producer, key }, or null. */
function adapterCall(expr: ts.Expression | undefined, imports: Map<string, string>): { producer: string; key: string } | null {
  if (!expr || !ts.isCallExpression(expr) || !ts.isIdentifier(expr.expression)) return null;
  const producer = imports.get(expr.expression.text);
  const first = expr.arguments[0];
  if (!producer || !first || !ts.isStringLiteral(first)) return null;
  return { producer, key: first.text };
}

function localConsts(sf: ts.SourceFile): Map<string, ts.Expression | undefined> {
  const out = new Map<string, ts.Expression | undefined>();
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) out.set(d.name.text, d.initializer);
  }
  return out;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function isDefault(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

function hasUseServer(sf: ts.SourceFile): boolean {
  const first = sf.statements[0];
  return !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use server";
}

interface ExportFinding {
  name: string;
  call: { producer: string; key: string } | null;
  /** A plain value (segment option, string, object literal), not something that runs per request. */
  plain: boolean;
}

/** Every runtime export of a module: its name and whether it is an adapter call. */
function exportsOf(sf: ts.SourceFile): ExportFinding[] {
  const imports = adapterImports(sf);
  const consts = localConsts(sf);
  const out: ExportFinding[] = [];
  const plain = (e: ts.Expression | undefined) =>
    !!e &&
    (ts.isStringLiteral(e) ||
      ts.isNumericLiteral(e) ||
      ts.isObjectLiteralExpression(e) ||
      e.kind === ts.SyntaxKind.TrueKeyword ||
      e.kind === ts.SyntaxKind.FalseKeyword);
  for (const st of sf.statements) {
    if (ts.isExportAssignment(st)) {
      const target = ts.isIdentifier(st.expression) ? consts.get(st.expression.text) : st.expression;
      out.push({ name: "default", call: adapterCall(target, imports), plain: false });
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && isExported(st)) {
      out.push({ name: isDefault(st) ? "default" : (st.name?.text ?? "default"), call: null, plain: false });
    } else if (ts.isVariableStatement(st) && isExported(st)) {
      for (const d of st.declarationList.declarations) {
        const name = ts.isIdentifier(d.name) ? d.name.text : "(pattern)";
        out.push({ name, call: adapterCall(d.initializer, imports), plain: plain(d.initializer) });
      }
    } else if (ts.isExportDeclaration(st) && !st.isTypeOnly) {
      if (st.moduleSpecifier) {
        out.push({ name: "(re-export)", call: null, plain: false });
        continue;
      }
      if (st.exportClause && ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) {
          if (el.isTypeOnly) continue;
          const local = (el.propertyName ?? el.name).text;
          const init = consts.get(local);
          out.push({ name: el.name.text, call: adapterCall(init, imports), plain: plain(init) });
        }
      }
    }
  }
  return out;
}

/** "use server" directives inside functions: inline server actions, which the adapter cannot wrap. */
function inlineUseServer(sf: ts.SourceFile): number {
  let n = 0;
  const visit = (node: ts.Node) => {
    if (ts.isBlock(node)) {
      const first = node.statements[0];
      if (first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use server") n++;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return n;
}

const routes = listAppRoutes();
const appFiles = walk(path.resolve("app"));

describe("the route table", () => {
  it("has exactly one entry for every page and route handler under app/, and none more", () => {
    const problems: string[] = [];
    for (const r of routes) {
      const kind: RouteKind = r.kind === "page" ? "page" : "handler";
      const entries = TABLE.filter(([, s]) => s.path === r.pattern && s.kind === kind);
      if (entries.length !== 1) problems.push(`${r.file}: ${entries.length} ${kind} entries for ${r.pattern} in lib/http/routes.ts`);
    }
    for (const [key, s] of TABLE) {
      if (s.path === null) continue;
      const served = routes.filter((r) => r.pattern === s.path && (r.kind === "page" ? "page" : "handler") === s.kind);
      if (served.length !== 1) problems.push(`${key}: ${s.kind} ${s.path} is served by ${served.length} files under app/`);
    }
    expect(problems, HOW).toEqual([]);
  });

  it("names only real roles and gives every audited route an action", () => {
    for (const [key, s] of TABLE) {
      if (s.access !== "public" && s.access !== "authenticated") {
        expect(s.access.length, `${key} allows no role at all`).toBeGreaterThan(0);
        for (const r of s.access) expect(ROLES, `${key}: unknown role ${r}`).toContain(r);
      }
      if (s.audit) expect(s.audit.action, key).toMatch(/^[a-z_]+\.[a-z_]+$/);
      expect(s.kind === "action" ? s.path === null : typeof s.path === "string", `${key}: actions have no path, pages and handlers one`).toBe(true);
    }
  });
});

describe("nothing under app/ bypasses the adapter", () => {
  const used = new Map<string, string[]>();
  const use = (key: string, file: string) => used.set(key, [...(used.get(key) ?? []), file]);

  it("every page's default export is definePage under its own key; other exports are segment options", () => {
    const problems: string[] = [];
    for (const r of routes.filter((x) => x.kind === "page")) {
      const sf = parse(r.file);
      const own = TABLE.find(([, s]) => s.kind === "page" && s.path === r.pattern)?.[0];
      const found = exportsOf(sf);
      const def = found.filter((e) => e.name === "default");
      if (def.length !== 1 || def[0]!.call?.producer !== "definePage") problems.push(`${r.file}: the default export is not definePage(…)`);
      else if (def[0]!.call.key !== own) problems.push(`${r.file}: definePage("${def[0]!.call.key}") but the table serves ${r.pattern} as "${own}"`);
      else use(own, r.file);
      for (const e of found.filter((x) => x.name !== "default")) {
        if (e.name === "generateMetadata" && e.call?.producer === "definePageMetadata" && e.call.key === own) continue;
        if (SEGMENT_OPTIONS.has(e.name) && e.plain) continue;
        problems.push(`${r.file}: export ${e.name} does not go through the adapter`);
      }
    }
    expect(problems, HOW).toEqual([]);
  });

  it("every route handler's method exports are defineHandler under its own key", () => {
    const problems: string[] = [];
    for (const r of routes.filter((x) => x.kind === "route")) {
      const sf = parse(r.file);
      const own = TABLE.find(([, s]) => s.kind === "handler" && s.path === r.pattern)?.[0];
      const found = exportsOf(sf);
      if (!found.some((e) => METHODS.has(e.name))) problems.push(`${r.file}: exports no HTTP method`);
      for (const e of found) {
        if (METHODS.has(e.name)) {
          if (e.call?.producer !== "defineHandler") problems.push(`${r.file}: ${e.name} is not defineHandler(…)`);
          else if (e.call.key !== own)
            problems.push(`${r.file}: ${e.name} is defineHandler("${e.call.key}") but the table serves ${r.pattern} as "${own}"`);
          else use(own!, r.file);
        } else if (!(SEGMENT_OPTIONS.has(e.name) && e.plain)) problems.push(`${r.file}: export ${e.name} is neither a method nor a segment option`);
      }
    }
    expect(problems, HOW).toEqual([]);
  });

  it("every exported server action is defineAction / defineFormAction, each action key used once", () => {
    const problems: string[] = [];
    for (const file of appFiles) {
      const sf = parse(file);
      const rel = path.relative(process.cwd(), file);
      if (inlineUseServer(sf) > 0) problems.push(`${rel}: an inline "use server" function; move it to an actions file with defineFormAction`);
      if (!hasUseServer(sf)) continue;
      for (const e of exportsOf(sf)) {
        if (e.call?.producer !== "defineAction" && e.call?.producer !== "defineFormAction") {
          problems.push(`${rel}: server action ${e.name} is not defineAction(…) / defineFormAction(…)`);
          continue;
        }
        const spec = (ROUTES as Record<string, RouteSpec>)[e.call.key];
        if (spec?.kind !== "action") problems.push(`${rel}: ${e.name} uses "${e.call.key}", which is not an action in lib/http/routes.ts`);
        else use(e.call.key, rel);
      }
    }
    const actions = TABLE.filter(([, s]) => s.kind === "action").map(([k]) => k);
    for (const k of actions) {
      const files = used.get(k) ?? [];
      if (files.length !== 1) problems.push(`action "${k}" is declared ${files.length} times under app/ (${files.join(", ")})`);
    }
    expect(problems, HOW).toEqual([]);
  });

  it("nothing else reads the session itself: routes get their actor from the adapter", () => {
    // The layout greets the signed-in user, the 403 page names their role, the expiry notice links
    // back to the page: none of them grants access. Sign-out ends the session it was sent with.
    const allowed = new Set(["app/layout.tsx", "app/forbidden.tsx", "components/password-expiry-notice.tsx", "app/api/auth/sign-out/route.ts"]);
    const readers = [...appFiles, ...walk(path.resolve("components"))]
      .map((f) => path.relative(process.cwd(), f))
      .filter((f) => !allowed.has(f))
      .filter((f) => /from\s+["']@\/lib\/auth\/(access|session|session-cookie)["']/.test(fs.readFileSync(f, "utf8")));
    expect(readers, "Take the actor from definePage/defineHandler/defineAction's context instead").toEqual([]);
  });

  it("no component outside app/ declares a server action", () => {
    const offenders = walk(path.resolve("components"))
      .map((f) => [path.relative(process.cwd(), f), parse(f)] as const)
      .filter(([, sf]) => hasUseServer(sf) || inlineUseServer(sf) > 0)
      .map(([f]) => f);
    expect(offenders, HOW).toEqual([]);
  });
});
