import "server-only";
import { emptyIdentifierDigest } from "@/lib/pseudonymise";
import type { DatasetId, Row } from "./columns";
import type { CsvFileOptions } from "./csv-file";
import type { Rng } from "./rng";

/*
 * Quirks mode: deliberate data-quality problems of the kinds partners' extracts really have, each
 * recorded in quirks.csv with the line it is on and what the portal should make of it ("accepted": the
 * spec allows it; "error": the row or file must be refused; "warning": accepted but flagged). Off by
 * default, so the default demo files validate cleanly. No quirk ever writes a clear identifier.
 */

export type QuirkExpectation = "accepted" | "error" | "warning";

export interface QuirkRecord {
  datasetId: DatasetId;
  /** Line in the file (header = 1); null for whole-file properties such as a byte-order mark. */
  line: number | null;
  column: string;
  quirk: string;
  expected: QuirkExpectation;
}

interface RowQuirk {
  dataset: DatasetId;
  quirk: string;
  column: string;
  expected: QuirkExpectation;
  applies: (row: Row) => boolean;
  /** The rows to write instead of `row`, and which of them carries the quirk. */
  apply: (row: Row) => { rows: Row[]; at: number };
}

const one = (row: Row) => ({ rows: [row], at: 0 });
const isFlagY = (v: string | undefined) => v === "Y";

function bumpPence(value: string, pounds: number): string {
  return (Math.round(Number(value) * 100) + pounds * 100).toString().replace(/(\d\d)$/, ".$1");
}

function rowQuirks(salt: string, batchPeriod: string | null): RowQuirk[] {
  const emptyKey = emptyIdentifierDigest(salt);
  const quirks: RowQuirk[] = [
    {
      dataset: "housing-benefits",
      quirk: "duplicate_address_key",
      column: "address_key",
      expected: "error",
      applies: () => true,
      apply: (row) => ({ rows: [row, { ...row, council_tax_band: row.council_tax_band === "A" ? "B" : "A" }], at: 1 }),
    },
    {
      dataset: "housing-benefits",
      quirk: "net_exceeds_gross",
      column: "employment_income_net_weekly",
      expected: "error",
      applies: (row) => (row.employment_income_gross_weekly ?? "") !== "",
      apply: (row) => one({ ...row, employment_income_net_weekly: bumpPence(row.employment_income_gross_weekly ?? "0", 10) }),
    },
    {
      dataset: "housing-benefits",
      quirk: "money_three_decimals",
      column: "housing_benefit_gbp",
      expected: "error",
      applies: (row) => (row.housing_benefit_gbp ?? "") !== "",
      apply: (row) => one({ ...row, housing_benefit_gbp: `${row.housing_benefit_gbp}5` }),
    },
    {
      dataset: "housing-benefits",
      quirk: "money_currency_symbol",
      column: "arrears_gbp",
      expected: "error",
      applies: (row) => (row.arrears_gbp ?? "") !== "",
      apply: (row) => one({ ...row, arrears_gbp: `£${row.arrears_gbp}` }),
    },
    {
      dataset: "housing-benefits",
      quirk: "lowercase_key",
      column: "address_key",
      expected: "accepted",
      applies: () => true,
      apply: (row) => one({ ...row, address_key: (row.address_key ?? "").toLowerCase() }),
    },
    {
      dataset: "social-care",
      quirk: "end_before_start",
      column: "end_date",
      expected: "error",
      applies: (row) => (row.end_date ?? "") !== "" && (row.end_date ?? "") > (row.start_date ?? ""),
      apply: (row) => one({ ...row, start_date: row.end_date ?? "", end_date: row.start_date ?? "" }),
    },
    {
      dataset: "social-care",
      quirk: "invalid_month",
      column: "birth_month",
      expected: "error",
      applies: () => true,
      apply: (row) => one({ ...row, birth_month: `${(row.birth_month ?? "2010-01").slice(0, 4)}-13` }),
    },
    {
      dataset: "school-readiness",
      quirk: "school_ready_contradicts_elgs",
      column: "school_ready",
      expected: "error",
      applies: (row) => row.school_ready === "Y" || row.school_ready === "N",
      apply: (row) => one({ ...row, school_ready: row.school_ready === "Y" ? "N" : "Y" }),
    },
    {
      dataset: "school-readiness",
      quirk: "duplicate_person_key_in_year",
      column: "person_key",
      expected: "error",
      applies: () => true,
      apply: (row) => ({ rows: [row, { ...row }], at: 1 }),
    },
    {
      dataset: "school-readiness",
      quirk: "elg_out_of_range",
      column: "elg09_reading",
      expected: "error",
      applies: () => true,
      apply: (row) => one({ ...row, elg09_reading: "4" }),
    },
    {
      dataset: "school-readiness",
      quirk: "invalid_gender",
      column: "gender",
      expected: "error",
      applies: () => true,
      apply: (row) => one({ ...row, gender: "U" }),
    },
    {
      dataset: "youth-offending",
      quirk: "flag_spelled_yes_no",
      column: "yos_known",
      expected: "accepted",
      applies: () => true,
      apply: (row) => one({ ...row, yos_known: isFlagY(row.yos_known) ? "yes" : "no" }),
    },
    {
      dataset: "youth-offending",
      quirk: "gravity_out_of_range",
      column: "offence_gravity",
      expected: "error",
      applies: (row) => (row.offence_gravity ?? "") !== "",
      apply: (row) => one({ ...row, offence_gravity: "9" }),
    },
    {
      dataset: "drug-alcohol",
      quirk: "flag_spelled_one_zero",
      column: "in_treatment_last_12m",
      expected: "accepted",
      applies: () => true,
      apply: (row) =>
        one({
          ...row,
          in_treatment_last_12m: isFlagY(row.in_treatment_last_12m) ? "1" : "0",
          successful_completion_last_12m: isFlagY(row.successful_completion_last_12m) ? "true" : "false",
        }),
    },
    {
      dataset: "drug-alcohol",
      quirk: "invalid_enum",
      column: "in_treatment",
      expected: "error",
      applies: () => true,
      apply: (row) => one({ ...row, in_treatment: "cannabis" }),
    },
    {
      dataset: "drug-alcohol",
      quirk: "truncated_key",
      column: "address_key",
      expected: "error",
      applies: () => true,
      apply: (row) => one({ ...row, address_key: (row.address_key ?? "").slice(0, 63) }),
    },
    {
      dataset: "police-crime",
      quirk: "missing_asb_risk_category",
      column: "asb_risk_category",
      expected: "error",
      applies: (row) => isFlagY(row.asb_address),
      apply: (row) => one({ ...row, asb_risk_category: "" }),
    },
    {
      dataset: "police-crime",
      quirk: "unexpected_dv_risk_category",
      column: "dv_risk_category",
      expected: "error",
      applies: (row) => row.dv_victim_address === "N",
      apply: (row) => one({ ...row, dv_risk_category: "high" }),
    },
  ];
  // Two rows whose identifiers were blank at source: they collide with each other under the key.
  for (let n = 0; n < 2; n++) {
    quirks.push({
      dataset: "police-crime",
      quirk: "empty_identifier_digest",
      column: "address_key",
      expected: "warning",
      applies: () => true,
      apply: (row) => one({ ...row, address_key: emptyKey }),
    });
  }
  if (batchPeriod !== null) {
    quirks.push(
      {
        dataset: "troubled-families",
        quirk: "wrong_batch_period",
        column: "batch_period",
        expected: "error",
        applies: () => true,
        apply: (row) => one({ ...row, batch_period: "2015-H2" === batchPeriod ? "2015-H1" : "2015-H2" }),
      },
      {
        dataset: "troubled-families",
        quirk: "absence_rate_over_100",
        column: "absence_rate_after",
        expected: "error",
        applies: (row) => (row.absence_rate_after ?? "") !== "",
        apply: (row) => one({ ...row, absence_rate_after: "104.5" }),
      },
    );
  }
  return quirks;
}

/** Whole-file quirks that the spec allows: byte-order mark, LF endings, header case and order. */
export function fileQuirks(
  datasetId: DatasetId,
  columns: readonly string[],
): {
  options: CsvFileOptions;
  columns: readonly string[];
  records: QuirkRecord[];
} {
  switch (datasetId) {
    case "housing-benefits":
      return {
        options: { bom: true, eol: "\n" },
        columns,
        records: [
          { datasetId, line: null, column: "", quirk: "utf8_bom", expected: "accepted" },
          { datasetId, line: null, column: "", quirk: "lf_line_endings", expected: "accepted" },
        ],
      };
    case "police-crime":
      return {
        options: {
          header: columns.map((c, i) => (i % 3 === 0 ? ` ${c.toUpperCase()} ` : i % 3 === 1 ? c.replace(/^./, (m) => m.toUpperCase()) : c)),
        },
        columns,
        records: [{ datasetId, line: 1, column: "", quirk: "header_case_and_spaces", expected: "accepted" }],
      };
    case "drug-alcohol": {
      const reordered = [...columns].reverse();
      return {
        options: {},
        columns: reordered,
        records: [{ datasetId, line: 1, column: "", quirk: "column_order", expected: "accepted" }],
      };
    }
    default:
      return { options: {}, columns, records: [] };
  }
}

/**
 * Applies each row quirk once, to an eligible row a few rows into the file (so quirks are not all on
 * line 2), never two quirks on one row.
 */
export class QuirkInjector {
  readonly records: QuirkRecord[] = [];
  private readonly pending: { quirk: RowQuirk; skip: number }[];

  constructor(rng: Rng, salt: string, batchPeriod: string | null) {
    this.pending = rowQuirks(salt, batchPeriod).map((quirk) => ({ quirk, skip: rng.int(0, 6) }));
  }

  /** Writes `row` (possibly altered or followed by extra rows) through `write`. */
  process(datasetId: DatasetId, row: Row, write: (row: Row) => number): void {
    let claimed: RowQuirk | null = null;
    for (let i = 0; i < this.pending.length; i++) {
      const entry = this.pending[i];
      if (entry === undefined || entry.quirk.dataset !== datasetId || !entry.quirk.applies(row)) continue;
      if (entry.skip > 0 || claimed !== null) {
        entry.skip = Math.max(0, entry.skip - 1);
        continue;
      }
      claimed = entry.quirk;
      this.pending.splice(i, 1);
      i--;
    }
    if (claimed === null) {
      write(row);
      return;
    }
    const { rows, at } = claimed.apply(row);
    rows.forEach((r, i) => {
      const line = write(r);
      if (i === at) {
        this.records.push({ datasetId, line, column: claimed.column, quirk: claimed.quirk, expected: claimed.expected });
      }
    });
  }
}
