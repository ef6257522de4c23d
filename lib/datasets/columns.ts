/**
 * Column kinds of data specification version 1. Each kind fixes the accepted text,
 * the normalised value and the PostgreSQL type, so a column definition never repeats them.
 */
export type ColumnKind = "key" | "flag" | "money" | "date" | "month" | "year" | "enum" | "int" | "number" | "text-code" | "urn" | "elg";

interface ColumnCommon<N extends string, K extends ColumnKind, O extends boolean> {
  readonly name: N;
  readonly kind: K;
  readonly optional: O;
  readonly description: string;
}

export type KeyColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "key", O>;
export type FlagColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "flag", O>;
export type MoneyColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "money", O>;
export type DateColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "date", O>;
export type MonthColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "month", O>;
export type YearColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "year", O>;
export type UrnColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "urn", O>;
export type ElgColumn<N extends string = string, O extends boolean = boolean> = ColumnCommon<N, "elg", O>;
export interface EnumColumn<N extends string = string, O extends boolean = boolean, V extends string = string> extends ColumnCommon<N, "enum", O> {
  readonly values: readonly V[];
}
export interface IntColumn<N extends string = string, O extends boolean = boolean> extends ColumnCommon<N, "int", O> {
  readonly min: number;
  readonly max: number;
}
export interface NumberColumn<N extends string = string, O extends boolean = boolean> extends ColumnCommon<N, "number", O> {
  readonly min: number;
  readonly max: number;
}
export interface TextCodeColumn<N extends string = string, O extends boolean = boolean> extends ColumnCommon<N, "text-code", O> {
  readonly pattern: RegExp;
  /** How the pattern reads to a partner, e.g. "1–20 characters of A–Z, 0–9 and -". */
  readonly patternLabel: string;
}

export type ColumnDef =
  | KeyColumn
  | FlagColumn
  | MoneyColumn
  | DateColumn
  | MonthColumn
  | YearColumn
  | UrnColumn
  | ElgColumn
  | EnumColumn
  | IntColumn
  | NumberColumn
  | TextCodeColumn;

/** EYFSP score of one early learning goal; `null` is `A` (absent, excluded from calculations). */
export type ElgScore = 1 | 2 | 3 | null;

type BaseValue<C> = C extends KeyColumn
  ? string
  : C extends FlagColumn
    ? boolean
    : C extends MoneyColumn | IntColumn | NumberColumn | YearColumn
      ? number
      : C extends DateColumn | MonthColumn | UrnColumn | TextCodeColumn
        ? string
        : C extends EnumColumn<string, boolean, infer V>
          ? V
          : C extends ElgColumn
            ? ElgScore
            : never;

/** The normalised value a column yields: `null` stands for an empty optional cell. */
export type ColumnValue<C> = C extends { optional: true } ? BaseValue<C> | null : BaseValue<C>;

/** Normalised row type of a tuple of column definitions. */
export type RowOfColumns<Cols extends readonly ColumnDef[]> = {
  -readonly [C in Cols[number] as C["name"]]: ColumnValue<C>;
};

/* Builders: the registry reads like the specification tables. */

export const col = {
  key: <N extends string>(name: N, description: string): KeyColumn<N, false> => ({
    name,
    kind: "key",
    optional: false,
    description,
  }),
  flag: <N extends string>(name: N, description: string): FlagColumn<N, false> => ({
    name,
    kind: "flag",
    optional: false,
    description,
  }),
  money: <N extends string>(name: N, description: string): MoneyColumn<N, false> => ({
    name,
    kind: "money",
    optional: false,
    description,
  }),
  date: <N extends string>(name: N, description: string): DateColumn<N, false> => ({
    name,
    kind: "date",
    optional: false,
    description,
  }),
  month: <N extends string>(name: N, description: string): MonthColumn<N, false> => ({
    name,
    kind: "month",
    optional: false,
    description,
  }),
  year: <N extends string>(name: N, description: string): YearColumn<N, false> => ({
    name,
    kind: "year",
    optional: false,
    description,
  }),
  urn: <N extends string>(name: N, description: string): UrnColumn<N, false> => ({
    name,
    kind: "urn",
    optional: false,
    description,
  }),
  elg: <N extends string>(name: N, description: string): ElgColumn<N, false> => ({
    name,
    kind: "elg",
    optional: false,
    description,
  }),
  enumOf: <N extends string, const V extends string>(name: N, values: readonly V[], description: string): EnumColumn<N, false, V> => ({
    name,
    kind: "enum",
    optional: false,
    values,
    description,
  }),
  int: <N extends string>(name: N, min: number, max: number, description: string): IntColumn<N, false> => ({
    name,
    kind: "int",
    optional: false,
    min,
    max,
    description,
  }),
  number: <N extends string>(name: N, min: number, max: number, description: string): NumberColumn<N, false> => ({
    name,
    kind: "number",
    optional: false,
    min,
    max,
    description,
  }),
  textCode: <N extends string>(name: N, pattern: RegExp, patternLabel: string, description: string): TextCodeColumn<N, false> => ({
    name,
    kind: "text-code",
    optional: false,
    pattern,
    patternLabel,
    description,
  }),
};

/** Marks a column optional: an empty cell is accepted and normalised to `null`. */
export function optional<C extends ColumnDef>(column: C): Omit<C, "optional"> & { readonly optional: true } {
  return { ...column, optional: true };
}

/* Kind-wide constants, shared by the zod schema, the compiled validator and the spec page. */

/** Flag spellings accepted, compared case-insensitively. */
export const FLAG_TRUE = ["y", "yes", "true", "1"] as const;
export const FLAG_FALSE = ["n", "no", "false", "0"] as const;

export const ELG_VALUES = ["1", "2", "3", "A"] as const;

/** Largest amount numeric(12,2) holds. */
export const MONEY_MAX = 9_999_999_999.99;
/** Decimal places accepted for `number` columns (0–100 is stored as numeric(7,4)). */
export const NUMBER_MAX_DECIMALS = 4;
/**
 * The spec only says `YYYY`; the bounds keep obvious typos (0201, 2301) out and every value
 * representable by PostgreSQL `date`.
 */
export const YEAR_MIN = 1900;
export const YEAR_MAX = 2099;

export const INT4_MAX = 2_147_483_647;
export const INT2_MAX = 32_767;

/** What a partner must send, in words, for each kind (used in error reports and the spec page). */
export function expectedFormat(column: ColumnDef): string {
  switch (column.kind) {
    case "key":
      return "a pseudonym: 64 hexadecimal characters (0-9, a-f, any case)";
    case "flag":
      return "Y or N (also yes/no, true/false, 1/0, any case)";
    case "money":
      return "an amount in pounds, 0 or more, at most 2 decimals, no £ sign or thousands separator";
    case "date":
      return `a date YYYY-MM-DD (years ${YEAR_MIN}–${YEAR_MAX})`;
    case "month":
      return `a month YYYY-MM (years ${YEAR_MIN}–${YEAR_MAX}; never a full date)`;
    case "year":
      return `a year YYYY (${YEAR_MIN}–${YEAR_MAX})`;
    case "urn":
      return "a school URN: 6 digits";
    case "elg":
      return "1, 2, 3 or A";
    case "enum":
      return `one of: ${column.values.join(", ")}`;
    case "int":
      return column.max >= INT4_MAX ? `a whole number, ${column.min} or more` : `a whole number from ${column.min} to ${column.max}`;
    case "number":
      return `a number from ${column.min} to ${column.max}, at most ${NUMBER_MAX_DECIMALS} decimals`;
    case "text-code":
      return column.patternLabel;
  }
}

/** PostgreSQL type each kind is stored as. */
export function sqlTypeOf(column: ColumnDef): string {
  switch (column.kind) {
    case "key":
    case "enum":
    case "text-code":
    case "urn":
      return "text";
    case "flag":
      return "boolean";
    case "money":
      return "numeric(12,2)";
    case "number":
      return `numeric(${String(Math.trunc(column.max)).length + NUMBER_MAX_DECIMALS},${NUMBER_MAX_DECIMALS})`;
    case "date":
    case "month":
      return "date";
    case "year":
    case "elg":
      return "smallint";
    case "int":
      return column.min >= -INT2_MAX - 1 && column.max <= INT2_MAX ? "smallint" : "integer";
  }
}
