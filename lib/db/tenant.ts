import "server-only";
import pg from "pg";
import type { Prisma } from "@/lib/generated/prisma/client";
import { pool, prisma } from "./client";

const { escapeLiteral } = pg;

/**
 * Who a unit of work runs as. PostgreSQL policies read these settings (app_ctx(), app_org(),
 * app_user_id()); with none set every policy denies, so forgetting the context fails closed.
 */
export type UnitContext =
  | { kind: "org"; orgId: string; userId?: string; requestId?: string }
  | { kind: "researcher"; userId: string; requestId?: string }
  | { kind: "admin"; userId: string; requestId?: string }
  /** A data-protection officer: the audit trail of their organisation (all of it for the platform operator's). */
  | { kind: "dpo"; orgId: string; userId: string; requestId?: string }
  | { kind: "system"; purpose: string; requestId?: string }
  | { kind: "matching"; requestId?: string };

export type Tx = Prisma.TransactionClient;

function settings(ctx: UnitContext): [string, string][] {
  return [
    ["app.context", ctx.kind],
    ["app.org_id", ctx.kind === "org" || ctx.kind === "dpo" ? ctx.orgId : ""],
    ["app.user_id", "userId" in ctx && ctx.userId ? ctx.userId : ""],
    ["app.request_id", ctx.requestId ?? ""],
  ];
}

const SET_SQL = "SELECT set_config($1, $2, true), set_config($3, $4, true), set_config($5, $6, true), set_config($7, $8, true)";

/**
 * Runs `fn` in one transaction as `ctx` (settings local to the transaction, so a pooled
 * connection never carries a context into the next unit of work).
 */
export async function withContext<T>(
  ctx: UnitContext,
  fn: (tx: Tx) => Promise<T>,
  opts: { timeoutMs?: number; isolationLevel?: Prisma.TransactionIsolationLevel } = {},
): Promise<T> {
  return prisma().$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(SET_SQL, ...settings(ctx).flat());
      return fn(tx);
    },
    { timeout: opts.timeoutMs ?? 30_000, maxWait: 10_000, isolationLevel: opts.isolationLevel },
  );
}

/**
 * The same unit of work on a raw connection, for what Prisma cannot express (COPY streams,
 * large set-based statements). Same settings, same transaction rules.
 */
export async function withContextClient<T>(ctx: UnitContext, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken = false;
  try {
    await client.query("BEGIN");
    await client.query(SET_SQL, settings(ctx).flat());
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    client.release(broken);
  }
}

/**
 * Sets `ctx` on a transaction the caller has opened on a raw connection (BEGIN done), for the long
 * units that manage their own transaction boundaries on one connection (ingest, matching runs).
 * The settings are transaction-local, as everywhere else.
 */
export async function setContextOn(client: pg.ClientBase, ctx: UnitContext): Promise<void> {
  await client.query(SET_SQL, settings(ctx).flat());
}

/**
 * Runs `fn` with the transaction's context kind switched to `kind` (organisation, user and request
 * settings unchanged), then switches back to `back`: for one statement a context's policies do not
 * admit inside that context's own transaction (a matching run reading back its audit event).
 */
export async function withContextKind<T>(
  client: pg.ClientBase,
  kind: UnitContext["kind"],
  back: UnitContext["kind"],
  fn: () => Promise<T>,
): Promise<T> {
  await client.query("SELECT set_config('app.context', $1, true)", [kind]);
  try {
    return await fn();
  } finally {
    await client.query("SELECT set_config('app.context', $1, true)", [back]);
  }
}

/**
 * One read statement as `ctx` in a single round trip, for the reads made on every request (the
 * session check), where withContextClient's BEGIN, settings, statement and COMMIT cost four.
 * The settings and the statement travel as one simple-protocol message, which PostgreSQL runs as
 * one implicit transaction: the transaction-local settings end with it, as in withContextClient.
 * The simple protocol has no bind parameters, so `params` are written into the text as quoted
 * literals (pg's escapeLiteral) in place of $1, $2, …; only strings are accepted.
 */
export async function readInContext<R extends pg.QueryResultRow>(ctx: UnitContext, sql: string, params: readonly string[] = []): Promise<R[]> {
  const set = settings(ctx)
    .map(([k, v]) => `set_config(${escapeLiteral(k)}, ${escapeLiteral(v)}, true)`)
    .join(", ");
  const text = sql.replace(/\$(\d+)\b/g, (_, n: string) => {
    const v = params[Number(n) - 1];
    if (v === undefined) throw new Error(`readInContext: no value for $${n}`);
    return escapeLiteral(v);
  });
  const client = await pool().connect();
  let broken = false;
  try {
    const results = (await client.query(`SELECT ${set}; ${text}`)) as unknown as pg.QueryResult<R>[];
    return results[1]!.rows;
  } catch (e) {
    // A failed statement ends the implicit transaction by itself and leaves the connection fit for
    // reuse; one that failed without PostgreSQL's answer (no error code) is not trusted again.
    broken = !(e instanceof Error && "code" in e);
    throw e;
  } finally {
    client.release(broken);
  }
}
