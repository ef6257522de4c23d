import "server-only";
import fc from "fast-check";
import { ELG_VALUES, FLAG_FALSE, FLAG_TRUE, type ColumnDef } from "@/lib/datasets/columns";
import { getDataset, type DatasetId } from "@/lib/datasets/registry";

/*
 * fast-check arbitraries for property tests of the validators. Values are biased
 * towards the edges of each rule (lengths, ranges, calendar corners, spellings)
 * because uniformly random strings almost never land near a boundary.
 */

const hexChar = fc.constantFrom(..."0123456789abcdefABCDEF".split(""));
const hexString = (min: number, max: number) => fc.array(hexChar, { minLength: min, maxLength: max }).map((a) => a.join(""));
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(..."0123456789".split("")), { minLength: min, maxLength: max }).map((a) => a.join(""));

const randomCase = (s: string) =>
  fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) =>
    s
      .split("")
      .map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase()))
      .join(""),
  );

const pad2 = (n: number) => String(n).padStart(2, "0");

const dateParts = fc.record({
  year: fc.oneof(fc.integer({ min: 1895, max: 2105 }), fc.integer({ min: 0, max: 9999 })),
  month: fc.integer({ min: 0, max: 13 }),
  day: fc.integer({ min: 0, max: 32 }),
});

const awkward = fc.oneof(
  fc.constant(""),
  fc.constant(" "),
  fc.constantFrom("NULL", "N/A", "-", "=1+1", "@x", "+1", "1e3", "0x10", "١٢", "Infinity", "NaN", " 1", "1 "),
  fc.string({ maxLength: 12 }),
);

/** A cell that satisfies the column on its own (may still break a cross-field rule). */
export function validCell(column: ColumnDef): fc.Arbitrary<string> {
  const base = validBase(column);
  return column.optional ? fc.oneof({ weight: 4, arbitrary: base }, { weight: 1, arbitrary: fc.constant("") }) : base;
}

function validBase(column: ColumnDef): fc.Arbitrary<string> {
  switch (column.kind) {
    case "key":
      return hexString(64, 64);
    case "flag":
      return fc.constantFrom(...FLAG_TRUE, ...FLAG_FALSE).chain(randomCase);
    case "money":
      return fc.oneof(
        fc.integer({ min: 0, max: 100_000 }).map(String),
        fc.tuple(fc.integer({ min: 0, max: 9_999 }), digits(1, 2)).map(([i, d]) => `${i}.${d}`),
        fc.constant("9999999999.99"),
      );
    case "number":
      return fc.oneof(
        fc.integer({ min: column.min, max: column.max }).map(String),
        fc.tuple(fc.integer({ min: column.min, max: column.max - 1 }), digits(1, 4)).map(([i, d]) => `${i}.${d}`),
      );
    case "int":
      return fc.integer({ min: column.min, max: Math.min(column.max, 1_000_000) }).map(String);
    case "year":
      return fc.integer({ min: 1900, max: 2099 }).map(String);
    case "date": {
      const any = fc
        .date({ min: new Date(Date.UTC(1900, 0, 1)), max: new Date(Date.UTC(2099, 11, 31)), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
      if (column.name !== "attached_date") return any;
      // Troubled-families attachment dates: mostly around the agreement's start and the test batches,
      // so that rows pass the range rules often enough for the cross-field rules to be exercised.
      const near = fc
        .date({ min: new Date(Date.UTC(2014, 5, 1)), max: new Date(Date.UTC(2017, 11, 31)), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
      return fc.oneof({ weight: 4, arbitrary: near }, { weight: 1, arbitrary: any });
    }
    case "month":
      return fc.tuple(fc.integer({ min: 1900, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${pad2(m)}`);
    case "urn":
      return digits(6, 6);
    case "elg":
      return fc.constantFrom(...ELG_VALUES);
    case "enum":
      return fc.constantFrom(...column.values);
    case "text-code":
      return column.name === "batch_period"
        ? fc.oneof(
            // The period most tests upload as, so rows agree with their batch often enough.
            { weight: 2, arbitrary: fc.constant("2016-H1") },
            { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 2010, max: 2030 }), fc.constantFrom("H1", "H2")).map(([y, h]) => `${y}-${h}`) },
          )
        : fc.array(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-".split("")), { minLength: 1, maxLength: 20 }).map((a) => a.join(""));
  }
}

/** A cell near the column's rules: mostly almost-valid values, some garbage. */
export function edgeCell(column: ColumnDef): fc.Arbitrary<string> {
  switch (column.kind) {
    case "key":
      return fc.oneof(
        hexString(62, 66),
        hexString(64, 64).map((s) => `${s.slice(0, 63)}g`),
        awkward,
      );
    case "flag":
      return fc.oneof(fc.constantFrom("YES ", "ye", "t", "f", "2", "-1", "Yes.", "ja", "TRUE", "nO"), awkward);
    case "money":
      return fc.oneof(
        fc.constantFrom("1.234", "1.", ".5", "-1", "£5", "1,000", "10000000000", "9999999999.999", "00.10", "1e2", "9999999999.99"),
        fc.tuple(digits(1, 12), digits(0, 3)).map(([i, d]) => (d ? `${i}.${d}` : i)),
        awkward,
      );
    case "number":
    case "int":
    case "year":
      return fc.oneof(
        fc.integer({ min: -5, max: 3000 }).map(String),
        fc.tuple(digits(1, 4), digits(0, 5)).map(([i, d]) => (d ? `${i}.${d}` : i)),
        fc.constantFrom("100.00001", "100.0000", "0.0", "99999999999", "4294967296", "2147483648"),
        awkward,
      );
    case "date":
      return fc.oneof(
        dateParts.map(({ year, month, day }) => `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}`),
        fc.constantFrom("2016-02-29", "2015-02-29", "1900-02-29", "2000-02-29", "2016-2-9", "01/02/2016", "2016-01-01T00:00"),
        awkward,
      );
    case "month":
      return fc.oneof(
        dateParts.map(({ year, month }) => `${String(year).padStart(4, "0")}-${pad2(month)}`),
        fc.constantFrom("2016-1", "2016-01-01", "03/2016", "1899-12", "2100-01"),
        awkward,
      );
    case "urn":
      return fc.oneof(digits(5, 7), awkward);
    case "elg":
      return fc.oneof(fc.constantFrom("0", "4", "a", "1.0", "AA"), awkward);
    case "enum":
      return fc.oneof(fc.constantFrom(...column.values).chain(randomCase), awkward);
    case "text-code":
      return fc.oneof(fc.constantFrom("2016-h1", "2016-H3", "abc", "A B", "A".repeat(21), "2016-H1 "), awkward);
  }
}

/** Any cell: valid most of the time so cross-field rules get exercised. */
export function anyCell(column: ColumnDef, validWeight = 6): fc.Arbitrary<string> {
  return fc.oneof({ weight: validWeight, arbitrary: validCell(column) }, { weight: 1, arbitrary: edgeCell(column) });
}

/** A raw row of the dataset (column name -> cell text). */
export function rawRow(id: DatasetId, validWeight = 6): fc.Arbitrary<Record<string, string>> {
  const def = getDataset(id);
  const shape: Record<string, fc.Arbitrary<string>> = {};
  for (const column of def.columns) shape[column.name] = anyCell(column, validWeight);
  return fc.record(shape);
}
