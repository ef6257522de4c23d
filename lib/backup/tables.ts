import "server-only";
import { createHash } from "node:crypto";
import { Transform, Writable, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { JOB_SCHEMA } from "@/lib/queue/queues";

/** A table whose rows a backup carries: the portal's own (schema `public`) and the job queue's. */
export interface TableInfo {
  schema: string;
  name: string;
  /** Stored columns in table order; generated columns are recomputed on restore, never copied. */
  columns: string[];
  /** Primary-key columns: the order rows are written in, so that hashes compare across servers. */
  key: string[];
}

export interface SequenceState {
  schema: string;
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** Tables whose rows the set-up itself writes; they are rebuilt by migrations, never restored. */
const SKIPPED = new Set(["public._prisma_migrations", `${JOB_SCHEMA}.version`]);

export const qualified = (t: { schema: string; name: string }) => `${pg.escapeIdentifier(t.schema)}.${pg.escapeIdentifier(t.name)}`;

export async function listTables(c: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await c.query<{ schema: string; name: string; columns: string[]; key: string[] | null }>(
    `SELECT n.nspname AS schema, k.relname AS name,
            ARRAY(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = k.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum) AS columns,
            (SELECT ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY AS u(attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = k.oid AND a.attnum = u.attnum ORDER BY u.ord)
               FROM pg_index i WHERE i.indrelid = k.oid AND i.indisprimary) AS key
       FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace
      WHERE n.nspname = ANY($1) AND k.relkind IN ('r', 'p') AND NOT k.relispartition
      ORDER BY n.nspname, k.relname`,
    [["public", JOB_SCHEMA]],
  );
  return rows
    .filter((t) => !SKIPPED.has(`${t.schema}.${t.name}`))
    .map((t) => ({ schema: t.schema, name: t.name, columns: t.columns, key: t.key ?? [] }));
}

export async function listSequences(c: pg.ClientBase): Promise<SequenceState[]> {
  const { rows } = await c.query<{ schema: string; name: string }>(
    `SELECT schemaname AS schema, sequencename AS name FROM pg_sequences WHERE schemaname = ANY($1) ORDER BY 1, 2`,
    [["public", JOB_SCHEMA]],
  );
  const out: SequenceState[] = [];
  for (const s of rows) {
    const r = await c.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${qualified(s)}`);
    out.push({ schema: s.schema, name: s.name, lastValue: r.rows[0]!.last_value, isCalled: r.rows[0]!.is_called });
  }
  return out;
}

/**
 * The statement that writes a table's rows in a fixed order (primary key, else the whole row as
 * text), so that the same rows give the same bytes, and so the same hash, on any server.
 */
export function copyOutSql(t: TableInfo): string {
  const cols = t.columns.map((c) => pg.escapeIdentifier(c)).join(", ");
  const order = t.key.length > 0 ? t.key.map((c) => pg.escapeIdentifier(c)).join(", ") : `(${qualified(t)}.*)::text COLLATE "C"`;
  return `COPY (SELECT ${cols} FROM ${qualified(t)} ORDER BY ${order}) TO STDOUT`;
}

export function copyInSql(t: TableInfo): string {
  return `COPY ${qualified(t)} (${t.columns.map((c) => pg.escapeIdentifier(c)).join(", ")}) FROM STDIN`;
}

/** Counts rows (COPY text escapes newlines inside values, so one line is one row) and hashes the bytes. */
export class RowHasher extends Transform {
  readonly hash = createHash("sha256");
  rows = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.hash.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
    done(null, chunk);
  }
}

/** Hashes a table as it stands (in the caller's transaction), without writing it anywhere. */
export async function hashTable(c: pg.ClientBase, t: TableInfo): Promise<{ rows: number; sha256: string }> {
  const hasher = new RowHasher();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  await pipeline(c.query(copyTo(copyOutSql(t))), hasher, sink);
  return { rows: hasher.rows, sha256: hasher.hash.digest("hex") };
}
