import fs from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import pg from "pg";
import { describe, expect, it } from "vitest";

// Tables that exist only for the machinery, never modelled in Prisma.
const UNMODELLED = new Set(["_prisma_migrations", "audit_chain_head"]);

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isRequired: boolean;
  isList: boolean;
  nativeType?: [string, string[]] | null;
}
interface DmmfModel {
  name: string;
  dbName?: string | null;
  fields: DmmfField[];
}

function loadModel() {
  const dir = path.resolve("prisma/schema");
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".prisma"))
    .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]);
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: files }))) as {
    datamodel: { models: DmmfModel[]; enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[] };
  };
  return dmmf.datamodel;
}

/** The PostgreSQL type a Prisma field maps to, in information_schema's spelling. */
function expectedType(f: DmmfField, enums: Set<string>): string {
  if (enums.has(f.type)) return `enum:${f.type}`;
  const native = f.nativeType?.[0];
  const byNative: Record<string, string> = {
    Uuid: "uuid",
    Text: "text",
    VarChar: "character varying",
    Char: "character",
    Date: "date",
    Timestamptz: "timestamp with time zone",
    Timestamp: "timestamp without time zone",
    SmallInt: "smallint",
    Integer: "integer",
    BigInt: "bigint",
    Decimal: "numeric",
    Real: "real",
    DoublePrecision: "double precision",
    JsonB: "jsonb",
    Json: "json",
    Boolean: "boolean",
    ByteA: "bytea",
    Inet: "inet",
  };
  if (native) {
    const t = byNative[native];
    if (!t) throw new Error(`drift test does not know native type @db.${native}; add it to the map`);
    return f.isList ? `${t}[]` : t;
  }
  const byScalar: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Boolean: "boolean",
    DateTime: "timestamp without time zone",
    Float: "double precision",
    Decimal: "numeric",
    Json: "jsonb",
    Bytes: "bytea",
  };
  const t = byScalar[f.type];
  if (!t) throw new Error(`unknown Prisma scalar ${f.type}`);
  return f.isList ? `${t}[]` : t;
}

describe("the migrated database matches the Prisma data model", () => {
  it("has every modelled table, column, type and nullability, and nothing unmodelled", async () => {
    const model = loadModel();
    const enumNames = new Set(model.enums.map((e) => e.name));
    const c = new pg.Client({ connectionString: process.env.TEST_ADMIN_URL });
    await c.connect();
    try {
      const cols = await c.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; is_nullable: string }>(
        `SELECT c.table_name, c.column_name, c.data_type, c.udt_name, c.is_nullable
         FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`,
      );
      const actual = new Map<string, Map<string, { type: string; nullable: boolean }>>();
      for (const r of cols.rows) {
        if (UNMODELLED.has(r.table_name)) continue;
        const type =
          r.data_type === "USER-DEFINED"
            ? `enum:${r.udt_name}`
            : r.data_type === "ARRAY"
              ? `${r.udt_name.replace(/^_/, "").replace("int4", "integer").replace("int8", "bigint")}[]`
              : r.data_type;
        if (!actual.has(r.table_name)) actual.set(r.table_name, new Map());
        actual.get(r.table_name)!.set(r.column_name, { type, nullable: r.is_nullable === "YES" });
      }

      const problems: string[] = [];
      const modelled = new Set<string>();
      for (const m of model.models) {
        const table = m.dbName ?? m.name;
        modelled.add(table);
        const dbCols = actual.get(table);
        if (!dbCols) {
          problems.push(`table ${table} (model ${m.name}) is missing from the database`);
          continue;
        }
        const fields = m.fields.filter((f) => f.kind === "scalar" || f.kind === "enum");
        for (const f of fields) {
          const col = f.dbName ?? f.name;
          const got = dbCols.get(col);
          if (!got) {
            problems.push(`column ${table}.${col} (${m.name}.${f.name}) is missing from the database`);
            continue;
          }
          const want = expectedType(f, enumNames);
          if (got.type !== want) problems.push(`column ${table}.${col}: database has ${got.type}, model says ${want}`);
          if (got.nullable === f.isRequired)
            problems.push(
              `column ${table}.${col}: database ${got.nullable ? "allows" : "forbids"} NULL, model says ${f.isRequired ? "required" : "optional"}`,
            );
        }
        const known = new Set(fields.map((f) => f.dbName ?? f.name));
        for (const col of dbCols.keys())
          if (!known.has(col)) problems.push(`column ${table}.${col} exists in the database but not in model ${m.name}`);
      }
      for (const table of actual.keys()) if (!modelled.has(table)) problems.push(`table ${table} exists in the database but has no Prisma model`);

      const enumRows = await c.query<{ typname: string; labels: string[] }>(
        `SELECT t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
      );
      const dbEnums = new Map(enumRows.rows.map((r) => [r.typname, r.labels]));
      for (const e of model.enums) {
        const want = e.values.map((v) => v.dbName ?? v.name);
        const got = dbEnums.get(e.dbName ?? e.name);
        if (!got) problems.push(`enum ${e.name} is missing from the database`);
        else if (JSON.stringify(got) !== JSON.stringify(want))
          problems.push(`enum ${e.name}: database has [${got.join(", ")}], model says [${want.join(", ")}]`);
      }
      expect(problems, problems.join("\n")).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
