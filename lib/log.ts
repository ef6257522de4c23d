// The one logger: JSON lines on stdout through pino, at LOG_LEVEL. Fields say where and who
// (request id, route key, actor id, ids of things); never a data value. Errors are reduced to
// their type, code and stack frames by `errFields`, since a database error's message can quote
// the value that broke a constraint.
import pino, { type Logger } from "pino";
import { env } from "@/lib/env";

export type { Logger };

function level(): string {
  try {
    return env().LOG_LEVEL;
  } catch {
    // A bad environment is reported by whoever parses it first; logging must still work then.
    return "info";
  }
}

function development(): boolean {
  try {
    return env().NODE_ENV === "development";
  } catch {
    return false;
  }
}

function make(): Logger {
  const opts = { level: level(), base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (development()) {
    try {
      // Readable lines while developing; pino-pretty is a dev dependency, absent in production.
      return pino({ ...opts, transport: { target: "pino-pretty", options: { colorize: true } } });
    } catch {
      // Not installed: plain JSON.
    }
  }
  return pino(opts);
}

let root: Logger | undefined;

/** The process's logger, or a child carrying fixed fields: `log({ component: "ingest" })`. */
export function log(fields?: Record<string, string | number | boolean | null | undefined>): Logger {
  root ??= make();
  return fields ? root.child(fields) : root;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** An error as loggable fields: its type, code and stack frames; the message only if it cannot carry a value. */
export function errFields(e: unknown): { err: Record<string, string | undefined> } {
  if (!(e instanceof Error)) return { err: { type: typeof e } };
  const code = "code" in e && typeof e.code === "string" ? e.code : undefined;
  const frames = (e.stack ?? "").split("\n").slice(1).join("\n");
  // PostgreSQL errors (SQLSTATE codes) quote offending values in their messages; leave them out.
  const message = code && SQLSTATE.test(code) ? undefined : e.message;
  return { err: { type: e.name, code, message, stack: frames } };
}
