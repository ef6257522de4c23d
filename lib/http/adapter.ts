import "server-only";
import { randomUUID } from "node:crypto";
import { headers } from "next/headers";
import { forbidden, notFound, redirect, unstable_rethrow } from "next/navigation";
import type { ReactNode } from "react";
import type { z } from "zod";
import { auditActor, type Actor } from "@/lib/actor";
import { recordAuditNow } from "@/lib/audit/record";
import { currentPath, lookupSession, recordDenied, signInPath, unitContextFor } from "@/lib/auth/access";
import { publicUrl } from "@/lib/auth/config";
import type { UnitContext } from "@/lib/db/tenant";
import { AppError, STATUS_OF } from "@/lib/errors";
import { errFields, log, type Logger } from "@/lib/log";
import { crossSiteVerdict, CROSS_SITE_MESSAGE } from "@/lib/server/cross-site";
import { fieldErrors } from "@/lib/validation/plain-errors";
import { formValues, setFlash, withFlashId, type Flash } from "./flash";
import type { FormState } from "./form-state";
import { ROUTES, type ActionKey, type HandlerKey, type PageKey, type RouteKey, type RouteSpec } from "./routes";

// The one request path (docs/ARCHITECTURE.md, "The request path"). Every page, route handler and
// server action under app/ is produced by definePage, defineHandler, defineAction or
// defineFormAction with its key in the route table (lib/http/routes.ts); tests/http/route-table.test.ts
// fails on any that is not. In order, each:
//   1. gives the request an id and a logger carrying it, the route key and the actor id;
//   2. resolves the session and checks the table's roles (not signed in: /signin or 401; wrong
//      role: the styled 403 page or a 403 answer, the refusal on record);
//   3. refuses a state-changing route handler request from another site (as the Node server
//      already does, lib/server/request-listener.ts: here it also holds under any other server);
//   4. hands the route's function one Actor and the tenant context (UnitContext) its domain
//      calls open with lib/db/tenant.ts, plus `audit(details)` for the table's access event;
//   5. maps the one domain error (AppError, lib/errors.ts) to 400/403/404/409/…, a redirect with
//      a flash, or a form's field errors, and logs anything else without its values.

const BRAND = Symbol.for("portal.request-path");

/** Marks what the adapter produced (the route-table test also checks app/ statically). */
function brand<F extends object>(fn: F, key: RouteKey): F {
  Object.defineProperty(fn, BRAND, { value: key });
  return fn;
}

/** The route key an app export was produced for, or undefined if it bypasses the adapter. */
export function adapterKeyOf(fn: unknown): RouteKey | undefined {
  return typeof fn === "function" ? ((fn as unknown as Record<symbol, RouteKey>)[BRAND] ?? undefined) : undefined;
}

type Spec<K extends RouteKey> = (typeof ROUTES)[K];
type IsPublic<K extends RouteKey> = Spec<K>["access"] extends "public" ? true : false;
/** The signed-in actor; null on public routes (use `currentActor()` there if the page differs when signed in). */
export type ActorOf<K extends RouteKey> = IsPublic<K> extends true ? null : Actor;
export type UnitOf<K extends RouteKey> = IsPublic<K> extends true ? null : UnitContext;
export type AuditDetails = Record<string, string | number | boolean | null>;

interface BaseContext<K extends RouteKey> {
  key: K;
  requestId: string;
  log: Logger;
  actor: ActorOf<K>;
  /** The tenant context of the actor's units of work (lib/db/tenant.ts). */
  unit: UnitOf<K>;
  /** The signed-in user if any, on any route (public pages that greet a signed-in user). */
  currentActor(): Promise<Actor | null>;
  /** Records the route table's access event for this request (it must have one). */
  audit(details: AuditDetails): Promise<void>;
}

type Search = Record<string, string | string[] | undefined>;

/** The dynamic segments of a path pattern: "/admin/accounts/[id]" → "id"; "[...x]" → "...x". */
type SegmentNames<P> = P extends `${string}[${infer N}]${infer Rest}` ? N | SegmentNames<Rest> : never;
/** A route's params, typed from its pattern in the table. */
export type ParamsOf<K extends RouteKey> = {
  [N in SegmentNames<Spec<K>["path"]> as N extends `...${infer M}` ? M : N]: N extends `...${string}` ? string[] : string;
};

export interface PageContext<K extends PageKey> extends BaseContext<K> {
  params: ParamsOf<K>;
  searchParams: Search;
}

export interface HandlerContext<K extends HandlerKey> extends BaseContext<K> {
  req: Request;
  params: ParamsOf<K>;
}

export interface ActionContext<K extends ActionKey> extends BaseContext<K> {
  /** Redirects, with a flash for the next page (a notice, an activation link) if given. */
  redirect(path: string, flash?: Omit<Flash, "id">): Promise<never>;
}

// ---------------------------------------------------------------------------------------------

async function requestIdFromHeaders(spec: RouteSpec): Promise<string> {
  // Public pages do not read the request's headers, so those without other dynamic input stay
  // static (the specification).
  if (spec.access === "public") return randomUUID();
  try {
    return (await headers()).get("x-request-id") ?? randomUUID();
  } catch {
    return randomUUID();
  }
}

type Resolved = { ok: true; actor: Actor | null } | { ok: false; reason: "signed-out" | "wrong-role"; actor: Actor | null; noUser?: string };

async function resolveActor(spec: RouteSpec): Promise<Resolved> {
  if (spec.access === "public") return { ok: true, actor: null };
  const found = await lookupSession();
  if (!found.user) return { ok: false, reason: "signed-out", actor: null, noUser: found.reason };
  if (spec.access !== "authenticated" && !spec.access.includes(found.user.role)) return { ok: false, reason: "wrong-role", actor: found.user };
  return { ok: true, actor: found.user };
}

function baseContext<K extends RouteKey>(key: K, requestId: string, actor: Actor | null): BaseContext<K> {
  const spec: RouteSpec = ROUTES[key];
  const logger = log({ requestId, route: key, actorId: actor?.userId ?? null });
  return {
    key,
    requestId,
    log: logger,
    actor: actor as ActorOf<K>,
    unit: (actor ? unitContextFor(actor, requestId) : null) as UnitOf<K>,
    currentActor: async () => actor ?? (await lookupSession()).user,
    audit: async (details) => {
      if (!spec.audit) throw new Error(`route ${key} has no audit event in lib/http/routes.ts`);
      if (!actor) throw new Error(`route ${key} audits an access with no actor`);
      await recordAuditNow({
        action: spec.audit.action,
        outcome: "success",
        actor: auditActor(actor),
        orgId: actor.orgId,
        target: spec.audit.target,
        requestId,
        details,
      });
    },
  };
}

/** Pages and server actions: sign-in redirect or the styled 403, the refusal on record. */
async function enforceForPage(key: RouteKey, spec: RouteSpec, r: Resolved, requestId: string): Promise<Actor | null> {
  if (r.ok) return r.actor;
  if (r.reason === "signed-out") redirect(signInPath(await currentPath(), r.noUser as Parameters<typeof signInPath>[1]));
  log({ requestId, route: key, actorId: r.actor!.userId }).info({ role: r.actor!.role }, "access denied");
  await recordDenied(r.actor!, await currentPath(), spec.access as readonly Actor["role"][], requestId);
  forbidden();
}

async function awaitRecord<T>(p: Promise<T> | T | undefined): Promise<T | Record<string, never>> {
  return ((await p) ?? {}) as T | Record<string, never>;
}

// Pages ---------------------------------------------------------------------------------------

export function definePage<K extends PageKey>(key: K, fn: (ctx: PageContext<K>) => ReactNode | Promise<ReactNode>) {
  const spec: RouteSpec = ROUTES[key];
  const Page = async (props: { params?: Promise<Record<string, string>>; searchParams?: Promise<Search> }): Promise<ReactNode> => {
    const requestId = await requestIdFromHeaders(spec);
    const actor = await enforceForPage(key, spec, await resolveActor(spec), requestId);
    const ctx: PageContext<K> = {
      ...baseContext(key, requestId, actor),
      params: (await awaitRecord(props.params)) as ParamsOf<K>,
      searchParams: await awaitRecord(props.searchParams),
    };
    try {
      return await fn(ctx);
    } catch (e) {
      unstable_rethrow(e);
      if (e instanceof AppError && e.kind === "not_found") notFound();
      if (e instanceof AppError && e.kind === "forbidden") forbidden();
      ctx.log.error(errFields(e), "page failed");
      throw e;
    }
  };
  return brand(Page, key);
}

/** generateMetadata of a page, read from its search parameters only (a title that says "Error: …"). */
export function definePageMetadata<K extends PageKey, M>(key: K, fn: (input: { searchParams: Search }) => M | Promise<M>) {
  const generateMetadata = async (props: { searchParams?: Promise<Search> }): Promise<M> =>
    fn({ searchParams: await awaitRecord(props.searchParams) });
  return brand(generateMetadata, key);
}

// Route handlers -------------------------------------------------------------------------------

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A JSON problem answer: `{ error, message }`, never cached. */
export function problem(status: number, error: string, message: string, extraHeaders: Record<string, string> = {}): Response {
  return Response.json({ error, message }, { status, headers: { "cache-control": "no-store", ...extraHeaders } });
}

export interface HandlerOptions {
  /** Said with a 503 when the route fails for a reason that is not the request's (default: a 500). */
  unavailable?: string;
}

export function defineHandler<K extends HandlerKey>(
  key: K,
  fn: (ctx: HandlerContext<K>) => Promise<Response | object> | Response | object,
  opts: HandlerOptions = {},
) {
  const spec: RouteSpec = ROUTES[key];
  const handler = async (req: Request, route?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    const requestId = req.headers.get("x-request-id") ?? randomUUID();
    if (!SAFE_METHODS.has(req.method.toUpperCase())) {
      const verdict = crossSiteVerdict(
        { method: req.method, origin: req.headers.get("origin") ?? undefined, secFetchSite: req.headers.get("sec-fetch-site") ?? undefined },
        new URL(publicUrl()).origin,
      );
      if (!verdict.ok) return problem(403, "cross_site_request", CROSS_SITE_MESSAGE);
    }
    const r = await resolveActor(spec);
    if (!r.ok && r.reason === "signed-out") {
      return problem(401, "unauthenticated", r.noUser === "expired" ? "Your session has ended. Sign in again." : "Sign in to use this.");
    }
    if (!r.ok) {
      log({ requestId, route: key, actorId: r.actor!.userId }).info({ role: r.actor!.role }, "access denied");
      await recordDenied(r.actor!, new URL(req.url).pathname, spec.access as readonly Actor["role"][], requestId);
      return problem(403, "forbidden", "Your role does not allow this.");
    }
    const ctx: HandlerContext<K> = { ...baseContext(key, requestId, r.actor), req, params: (await awaitRecord(route?.params)) as ParamsOf<K> };
    const started = performance.now();
    try {
      const out = await fn(ctx);
      const res = out instanceof Response ? out : Response.json(out, { headers: { "cache-control": "no-store" } });
      ctx.log.debug({ method: req.method, status: res.status, ms: Math.round(performance.now() - started) }, "answered");
      return res;
    } catch (e) {
      unstable_rethrow(e);
      if (e instanceof AppError) return problem(STATUS_OF[e.kind], e.code, e.message);
      ctx.log.error(errFields(e), "route handler failed");
      if (opts.unavailable) return problem(503, "unavailable", opts.unavailable);
      return problem(500, "internal", "Something went wrong on our side. Try again; if it keeps failing, tell the platform's administrators.");
    }
  };
  return brand(handler, key);
}

// Server actions ------------------------------------------------------------------------------

const COULD_NOT_SAVE = "That could not be saved. Try again; if it keeps failing, the error is in the portal's log.";

async function actionContext<K extends ActionKey>(key: K): Promise<ActionContext<K>> {
  const spec: RouteSpec = ROUTES[key];
  const requestId = await requestIdFromHeaders(spec);
  const actor = await enforceForPage(key, spec, await resolveActor(spec), requestId);
  return {
    ...baseContext(key, requestId, actor),
    redirect: async (path, flash) => {
      if (flash) redirect(withFlashId(path, await setFlash(flash)));
      redirect(path);
    },
  };
}

export type { FormState };

/**
 * A server action for a form with useActionState (works without JavaScript too): the form's
 * fields are checked with `schema`; problems come back as field errors with what was typed
 * (except `secretFields`), and so does an AppError the domain throws.
 */
type FormAction = (prev: FormState, formData: FormData) => Promise<FormState>;
type ActionOptions = { secretFields?: readonly string[] };

/** Without a schema: the domain function checks the form's string fields itself (and throws AppError "invalid"). */
export function defineAction<K extends ActionKey, R extends FormState | void>(
  key: K,
  schema: null,
  fn: (ctx: ActionContext<K> & { input: Record<string, string | undefined> }) => Promise<R>,
  opts?: ActionOptions,
): FormAction;
export function defineAction<K extends ActionKey, S extends z.ZodType, R extends FormState | void>(
  key: K,
  schema: S,
  fn: (ctx: ActionContext<K> & { input: z.output<S> }) => Promise<R>,
  opts?: ActionOptions,
): FormAction;
export function defineAction<K extends ActionKey>(
  key: K,
  schema: z.ZodType | null,
  fn: (ctx: ActionContext<K> & { input: never }) => Promise<FormState | void>,
  opts: ActionOptions = {},
): FormAction {
  const action = async (_prev: FormState, formData: FormData): Promise<FormState> => {
    const ctx = await actionContext(key);
    const raw = Object.fromEntries([...formData.entries()].filter(([k, v]) => typeof v === "string" && !k.startsWith("$"))) as Record<string, string>;
    const values = Object.fromEntries(Object.entries(raw).filter(([k]) => !opts.secretFields?.includes(k)));
    let input: unknown = raw;
    if (schema) {
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return { errors: fieldErrors(parsed.error), values };
      input = parsed.data;
    }
    try {
      return (await fn({ ...ctx, input: input as never })) ?? { ok: true };
    } catch (e) {
      unstable_rethrow(e);
      if (e instanceof AppError) {
        if (e.kind === "not_found") notFound();
        return { errors: e.formErrors(), values };
      }
      ctx.log.error(errFields(e), "server action failed");
      return { errors: { form: COULD_NOT_SAVE }, values };
    }
  };
  return brand(action, key);
}

export interface FormActionOptions<A extends unknown[]> {
  /**
   * Where an AppError (or an unexpected failure) sends the user, with the errors (and the fields
   * named in `values`, as typed) in a flash. Without it, not_found and forbidden end on the 404
   * and 403 pages and anything else on the error page.
   */
  back?: (args: NoInfer<A>) => string;
  values?: readonly string[];
}

/**
 * A server action for a plain <form action={…}> (no client state): it ends with a redirect,
 * usually `ctx.redirect(path, { notice })`. Arguments bound with .bind come first, the FormData last.
 */
export function defineFormAction<K extends ActionKey, A extends unknown[]>(
  key: K,
  fn: (ctx: ActionContext<K>, ...args: A) => Promise<void>,
  opts: FormActionOptions<A> = {},
) {
  const action = async (...args: A): Promise<void> => {
    const ctx = await actionContext(key);
    try {
      await fn(ctx, ...args);
    } catch (e) {
      unstable_rethrow(e);
      const form = args.findLast((a): a is FormData => a instanceof FormData);
      if (e instanceof AppError && e.kind === "not_found") notFound();
      if (!opts.back) {
        if (e instanceof AppError && e.kind === "forbidden") forbidden();
        ctx.log.error(errFields(e), "server action failed");
        throw e;
      }
      let errors: Record<string, string>;
      if (e instanceof AppError) errors = e.formErrors();
      else {
        ctx.log.error(errFields(e), "server action failed");
        errors = { form: COULD_NOT_SAVE };
      }
      const values = opts.values && form ? formValues(form, opts.values) : undefined;
      await ctx.redirect(opts.back(args), values ? { errors, values } : { errors });
    }
  };
  return brand(action, key);
}
