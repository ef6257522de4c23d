import type { ColumnKind } from "@/lib/datasets";
import {
  containsEmail,
  containsFullDate,
  containsNhsNumber,
  containsStreetAddress,
  containsUkPhoneNumber,
  containsUkPostcode,
  looksLikeDigest,
  looksLikePersonalName,
  looksLikeUnpseudonymisedKey,
} from "@/lib/ingest/guard/detectors";

export const IDENTIFIER_RULES = [
  "email",
  "nhs-number",
  "street-address",
  "postcode",
  "full-date",
  "phone-number",
  "personal-name",
  "key-not-pseudonymised",
] as const;
export type IdentifierRule = (typeof IDENTIFIER_RULES)[number];

export const IDENTIFIER_RULE_DESCRIPTIONS: Record<IdentifierRule, string> = {
  email: "an e-mail address",
  "nhs-number": "an NHS number (10 digits with a valid check digit)",
  "street-address": "a street address (house number and street)",
  postcode: "a UK postcode",
  "full-date": "a full date (day, month and year) where only a month is allowed, such as a date of birth",
  "phone-number": "a UK telephone number",
  "personal-name": "a personal name",
  "key-not-pseudonymised": "a key column value that is not a 64-hexadecimal pseudonym (a clear identifier such as a UPRN or case number)",
};

/** A column as the guard sees it; `unknown` is a header the dataset does not have. */
export interface GuardColumn {
  readonly name: string;
  readonly kind: ColumnKind | "unknown";
}

/** One line of the incident report: never contains a cell value. */
export interface IdentifierFinding {
  readonly rule: IdentifierRule;
  readonly column: string;
  /** Cells that matched. */
  readonly cells: number;
  /** First lines (physical, 1-based) where it matched, ascending. */
  readonly firstLines: readonly number[];
}

interface Plan {
  /** Inspect a cell even though it passed validation. */
  readonly checkValid: boolean;
  readonly fullDate: boolean;
  readonly singleTokenName: boolean;
  readonly keyFallback: boolean;
  readonly kind: ColumnKind | "unknown";
}

const DIGIT_RUN = /^\d{10,}$/;

function planFor(column: GuardColumn): Plan {
  const header = column.name.toLowerCase();
  const namedAsName = /name/.test(header);
  const namedAsBirth = /birth|dob|d\.o\.b/.test(header);
  switch (column.kind) {
    case "key":
      return { kind: "key", checkValid: false, fullDate: true, singleTokenName: true, keyFallback: true };
    case "month":
      // The spec's own example: a full date of birth in birth_month.
      return { kind: "month", checkValid: false, fullDate: true, singleTokenName: false, keyFallback: false };
    case "text-code":
      // A valid code (A-Z, 0-9, -, up to 20) can still be a postcode, NHS or phone number.
      return { kind: "text-code", checkValid: true, fullDate: false, singleTokenName: false, keyFallback: false };
    case "money":
    case "int":
    case "number":
      // Only long digit runs (NHS or phone numbers typed into an amount) are worth a look.
      return { kind: column.kind, checkValid: true, fullDate: false, singleTokenName: false, keyFallback: false };
    case "unknown":
      return { kind: "unknown", checkValid: true, fullDate: namedAsBirth, singleTokenName: namedAsName, keyFallback: false };
    default:
      // flag, enum, elg, date, year, urn: a valid value of these cannot carry an identifier.
      return { kind: column.kind, checkValid: false, fullDate: false, singleTokenName: false, keyFallback: false };
  }
}

/** Classifies one cell under a column plan; `null` when it does not look like an identifier. */
function classify(raw: string, plan: Plan, valid: boolean): IdentifierRule | null {
  if (raw.length === 0) return null;
  // Hex runs would otherwise produce chance digit sequences that pass the NHS or phone checks.
  if (plan.kind === "key" && looksLikeDigest(raw)) return null;
  if (valid) {
    if (plan.kind === "money" || plan.kind === "int" || plan.kind === "number") {
      if (!DIGIT_RUN.test(raw)) return null;
      if (containsNhsNumber(raw)) return "nhs-number";
      return containsUkPhoneNumber(raw) ? "phone-number" : null;
    }
    if (plan.kind === "text-code") {
      if (raw.length < 5) return null;
      if (containsNhsNumber(raw)) return "nhs-number";
      if (containsUkPostcode(raw)) return "postcode";
      return containsUkPhoneNumber(raw) ? "phone-number" : null;
    }
  }
  if (containsEmail(raw)) return "email";
  if (containsNhsNumber(raw)) return "nhs-number";
  if (containsStreetAddress(raw)) return "street-address";
  if (containsUkPostcode(raw)) return "postcode";
  if (plan.fullDate && containsFullDate(raw)) return "full-date";
  if (containsUkPhoneNumber(raw)) return "phone-number";
  if (looksLikePersonalName(raw, { singleToken: plan.singleTokenName })) return "personal-name";
  if (plan.keyFallback && looksLikeUnpseudonymisedKey(raw)) return "key-not-pseudonymised";
  return null;
}

const HEADER_PLAN: Plan = { kind: "unknown", checkValid: false, fullDate: true, singleTokenName: false, keyFallback: false };

/** How a header position is named when its text must not be shown. */
export function headerColumnLabel(index: number): string {
  return `(header, column ${index + 1})`;
}

export interface GuardOptions {
  /** Line numbers kept per finding. */
  readonly maxLinesKept?: number;
}

/**
 * The identifier guard, run as a per-cell hook inside the single validation pass.
 * Cells that failed validation are always inspected; valid cells only where the
 * column kind could still hide an identifier ({@link IdentifierGuard.checksValid}).
 */
export class IdentifierGuard {
  private readonly plans: readonly Plan[];
  private readonly columnNames: readonly string[];
  /** Per column: whether valid cells must be inspected too. */
  readonly checksValid: readonly boolean[];
  /** Indexes of the columns in {@link checksValid}, for the hot loop. */
  readonly validCheckColumns: readonly number[];
  private readonly findingsByKey = new Map<string, { rule: IdentifierRule; column: string; cells: number; firstLines: number[] }>();
  private readonly maxLinesKept: number;
  private readonly validMinLength: readonly number[];
  private flagged = 0;

  constructor(columns: readonly GuardColumn[], options: GuardOptions = {}) {
    this.plans = columns.map(planFor);
    this.columnNames = columns.map((c) => c.name);
    this.checksValid = this.plans.map((p) => p.checkValid);
    this.validCheckColumns = this.checksValid.flatMap((check, i) => (check ? [i] : []));
    // Shortest valid cell worth a look: a postcode has 5+ characters, NHS/phone numbers 10+ digits.
    this.validMinLength = this.plans.map((p) => (p.kind === "text-code" ? 5 : p.kind === "unknown" ? 1 : 10));
    this.maxLinesKept = options.maxLinesKept ?? 10;
  }

  /**
   * Hot-path variant for a cell that passed validation: skips, without any regex, the
   * cells too short to hold a 10-digit number or a postcode.
   */
  inspectValid(column: number, raw: string, line: number): IdentifierRule | null {
    if (raw.length < this.validMinLength[column]!) return null;
    return this.inspect(column, raw, line, true);
  }

  /**
   * Inspects one cell. Returns the rule it matched (the caller must then not echo the
   * value anywhere), or `null`.
   */
  inspect(column: number, raw: string, line: number, valid: boolean): IdentifierRule | null {
    const plan = this.plans[column];
    if (!plan) return null;
    const rule = classify(raw, plan, valid);
    if (rule !== null) this.record(rule, this.columnNames[column]!, line);
    return rule;
  }

  /**
   * Inspects a header name (line 1). A file without its header row has data there; a
   * flagged name is recorded against the column position, never under its own text.
   */
  inspectHeader(name: string, index: number): IdentifierRule | null {
    const rule = classify(name.trim(), HEADER_PLAN, false);
    if (rule !== null) this.record(rule, headerColumnLabel(index), 1);
    return rule;
  }

  private record(rule: IdentifierRule, column: string, line: number): void {
    this.flagged++;
    const key = `${rule}\u0000${column}`;
    let finding = this.findingsByKey.get(key);
    if (!finding) {
      finding = { rule, column, cells: 0, firstLines: [] };
      this.findingsByKey.set(key, finding);
    }
    finding.cells++;
    if (finding.firstLines.length < this.maxLinesKept && finding.firstLines[finding.firstLines.length - 1] !== line) {
      finding.firstLines.push(line);
    }
  }

  /** Cells flagged so far. Any is an incident: the file must be deleted. */
  get cellsFlagged(): number {
    return this.flagged;
  }

  findings(): IdentifierFinding[] {
    return [...this.findingsByKey.values()]
      .map((f) => ({ rule: f.rule, column: f.column, cells: f.cells, firstLines: [...f.firstLines] }))
      .sort((a, b) => (a.firstLines[0] ?? 0) - (b.firstLines[0] ?? 0) || a.column.localeCompare(b.column));
  }
}
