import "server-only";
import { DATASET_IDS, getDataset, type DatasetId } from "@/lib/datasets";
import { messages, type FileError } from "@/lib/ingest/parse/errors";

/** Headers match case-insensitively with surrounding whitespace ignored. */
export function normaliseHeader(name: string): string {
  return name
    .replace(/^\uFEFF/, "")
    .trim()
    .toLowerCase();
}

export interface Resemblance {
  readonly id: DatasetId;
  /** Jaccard similarity of the header names and the dataset's columns, 0–1. */
  readonly score: number;
}

/** How closely a header matches each dataset, best first. */
export function resemblance(names: readonly string[]): Resemblance[] {
  const header = new Set(names);
  return DATASET_IDS.map((id) => {
    const columns = getDataset(id).columns.map((c) => c.name);
    const shared = columns.filter((c) => header.has(c)).length;
    const union = new Set([...columns, ...header]).size;
    return { id, score: union === 0 ? 0 : shared / union };
  }).sort((a, b) => b.score - a.score);
}

/** Score above which a header is said to "look like" another dataset. */
const LOOKS_LIKE_THRESHOLD = 0.5;

const OTHER_SEPARATORS = [";", "\t", "|"] as const;

export interface HeaderAnalysis {
  /** Normalised names, in file order. */
  readonly names: readonly string[];
  /** For each dataset column (in specification order), its index in the file; `null` when the header is refused. */
  readonly order: readonly number[] | null;
  readonly errors: readonly FileError[];
  /** Whether the rest of the file is not worth reading even for the identifier guard. */
  readonly stopReading: boolean;
}

function describePlainName(name: string, index: number): string {
  return name === "" ? `(empty header, column ${index + 1})` : name;
}

/** A 64-hex pseudonym as a header name means the header row is missing. */
export const DIGEST_NAME = /^[0-9a-f]{64}$/;

/** How a header position is shown when its text looks like an identifier. */
export function withheldColumnLabel(index: number): string {
  return `(column ${index + 1}, withheld: it looks like an identifier)`;
}

/**
 * `withheld`: positions whose text must not appear in any message (the guard found an
 * identifier there). Names that are pseudonyms are never shown either.
 */
export function analyseHeader(id: DatasetId, fields: readonly string[], withheld: ReadonlySet<number> = new Set()): HeaderAnalysis {
  const def = getDataset(id);
  const names = fields.map(normaliseHeader);
  const describeName = (name: string, index: number) => (withheld.has(index) ? withheldColumnLabel(index) : describePlainName(name, index));
  const refuse = (errors: FileError[], stopReading: boolean): HeaderAnalysis => ({ names, order: null, errors, stopReading });

  if (fields.length === 1) {
    const raw = fields[0]!;
    const best = OTHER_SEPARATORS.map((d) => ({ d, parts: raw.split(d).length })).sort((a, b) => b.parts - a.parts)[0]!;
    if (best.parts >= 2) {
      return refuse([{ code: "wrong-delimiter", message: messages.wrongDelimiter(best.d), line: 1, delimiter: best.d }], true);
    }
  }

  if (names.some((name) => DIGEST_NAME.test(name))) {
    return refuse([{ code: "no-header-row", message: messages.noHeaderRow(), line: 1 }], false);
  }

  const expected = def.columns.map((c) => c.name);
  const scores = resemblance(names);
  const own = scores.find((s) => s.id === id)!.score;
  const best = scores[0]!;
  if (best.id !== id && best.score > own && best.score >= LOOKS_LIKE_THRESHOLD) {
    const other = getDataset(best.id);
    return refuse([{ code: "wrong-dataset", message: messages.wrongDataset(best.id, other.title, id), line: 1, looksLike: best.id }], false);
  }

  const errors: FileError[] = [];
  const seen = new Map<string, number>();
  const duplicates: string[] = [];
  names.forEach((name, i) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    if (count === 2) duplicates.push(describeName(name, i));
  });
  if (duplicates.length > 0) {
    errors.push({ code: "duplicate-header", message: messages.duplicateHeader(duplicates), line: 1, columns: duplicates });
  }
  const missing = expected.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    errors.push({ code: "missing-columns", message: messages.missingColumns(missing), line: 1, columns: missing });
  }
  const known = new Set(expected);
  const unknown = names.flatMap((name, i) => (known.has(name) ? [] : [describeName(name, i)]));
  if (unknown.length > 0) {
    errors.push({ code: "unknown-columns", message: messages.unknownColumns(unknown), line: 1, columns: unknown });
  }
  if (errors.length > 0) return refuse(errors, false);

  return { names, order: expected.map((c) => names.indexOf(c)), errors: [], stopReading: false };
}
