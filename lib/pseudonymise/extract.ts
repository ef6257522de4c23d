import { explainCell, compileDataset, type CompiledDataset } from "@/lib/datasets/compiled";
import type { ColumnDef } from "@/lib/datasets/columns";
import { IdentifierGuard, type IdentifierFinding } from "@/lib/ingest/guard/guard";
import { CsvTokenizer, type RecordSink } from "@/lib/ingest/parse/tokenizer";
import { FixedWidthSet } from "@/lib/ingest/parse/unique-set";
import { ageBand, ageOn, isoDate, isoMonth, parseDate, type ColumnSource, type IdentifierSpec, type MappingPlan } from "./mapping";
import { processNhsNumber } from "./openpseudonymiser";
import { Sha256, encodeUtf8Into, paddedLength } from "./sha256";

/*
 * Turns a partner's raw extract into an upload-ready file in one streaming pass: tokenise, map,
 * derive the coarse values, hash the identifiers (OpenPseudonymiser rules, one SHA-256 for every
 * environment), write the output CSV as bytes, and run the platform's own row rules, identifier
 * guard and uniqueness check on every output row. The same class runs in the page's Web Worker
 * and in `npm run pseudonymise`, so both produce the same bytes (e2e/pseudonymise.spec.ts).
 *
 * Memory: one input chunk, one output chunk, the tokenizer's carry, and the fingerprint sets of
 * the duplicate counts (16-20 bytes a row, capped: see MAX_TRACKED_ROWS).
 */

export interface RowProblem {
  readonly code: string;
  readonly column: string;
  readonly message: string;
  count: number;
  readonly firstLines: number[];
}

export interface DuplicateCount {
  readonly columns: readonly string[];
  readonly description: string;
  count: number;
  readonly firstLines: number[];
  /** False when the file had more rows than are tracked. */
  complete: boolean;
}

export interface ExtractSummary {
  readonly refused: { readonly code: string; readonly message: string } | null;
  readonly bytesRead: number;
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly outputBytes: number;
  /** Rows left out of the output, and why. */
  readonly dropped: readonly RowProblem[];
  /** Kept rows where some (not all) identifiers of a key were blank. */
  readonly partlyBlank: readonly { key: string; heading: string; column: string; count: number }[];
  readonly duplicates: readonly DuplicateCount[];
  readonly validation: {
    readonly validRows: number;
    readonly invalidRows: number;
    readonly problems: readonly RowProblem[];
    readonly identifierFindings: readonly IdentifierFinding[];
  };
  /** Columns of the file that the output does not carry. */
  readonly droppedColumns: readonly string[];
  readonly keys: readonly { column: string; headings: readonly string[]; columns: readonly string[] }[];
}

export interface ExtractOptions {
  readonly plan: MappingPlan;
  readonly salt: string;
  /** Troubled Families batch (YYYY-H1/H2) the output will be uploaded as. */
  readonly period?: string;
  readonly onOutput: (bytes: Uint8Array) => void;
  readonly maxFieldLength?: number;
}

/** Rows whose keys are remembered for the duplicate counts: about 80 MB of fingerprints a key. */
export const MAX_TRACKED_ROWS = 4_000_000;
const LINES_KEPT = 10;
const SALT_MISSING = "Enter the salt (the secret key your partners agreed on): without it nothing can be pseudonymised.";

const enc = new TextEncoder();

type Binary = { magic: number[]; what: string };
const BINARY: Binary[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: "a ZIP archive or an Excel workbook (.xlsx); save the sheet as CSV UTF-8" },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: "an Excel 97-2003 workbook (.xls); save the sheet as CSV UTF-8" },
  { magic: [0x1f, 0x8b], what: "a gzip-compressed file; choose the CSV itself" },
  { magic: [0x25, 0x50, 0x44, 0x46], what: "a PDF document" },
  { magic: [0xff, 0xfe], what: "UTF-16 text; save it as CSV UTF-8" },
  { magic: [0xfe, 0xff], what: "UTF-16 text; save it as CSV UTF-8" },
];

function notCsv(what: string) {
  return { code: "not-csv", message: `This file is not a CSV: it is ${what}. Nothing was pseudonymised.` };
}

/** Why the first bytes of a file show it is not CSV text, or null. */
export function notCsvReason(prefix: Uint8Array): string | null {
  for (const b of BINARY) if (b.magic.every((m, i) => prefix[i] === m)) return notCsv(b.what).message;
  if (prefix.subarray(0, 4096).includes(0)) return notCsv("binary data (it contains NUL bytes)").message;
  return null;
}

/** Grows a byte buffer, keeping its first `used` bytes. */
function grow(buf: Uint8Array<ArrayBuffer>, need: number, used: number): Uint8Array<ArrayBuffer> {
  if (buf.length >= need) return buf;
  const next = new Uint8Array(Math.max(need, buf.length * 2));
  next.set(buf.subarray(0, used));
  return next;
}

function problem(list: Map<string, RowProblem>, code: string, column: string, message: string, line: number): void {
  const id = `${code}\u0000${column}\u0000${message}`;
  let p = list.get(id);
  if (!p) {
    p = { code, column, message, count: 0, firstLines: [] };
    list.set(id, p);
  }
  p.count++;
  if (p.firstLines.length < LINES_KEPT) p.firstLines.push(line);
}

interface BoundKey {
  readonly column: string;
  readonly ids: readonly (IdentifierSpec & { index: number })[];
  readonly blanks: number[];
  /** This row's blank identifiers, counted once the row is written. */
  readonly pending: Uint8Array;
  readonly words: Uint32Array;
}

type BoundValue =
  | { kind: "empty" }
  | { kind: "copy"; index: number }
  | { kind: "constant"; value: string }
  | { kind: "date" | "month"; index: number; format: NonNullable<IdentifierSpec["date"]>; from: string }
  | {
      kind: "age-band";
      index: number;
      format: NonNullable<IdentifierSpec["date"]>;
      from: string;
      at: { index: number; format: NonNullable<IdentifierSpec["date"]>; from: string } | { fixed: { y: number; m: number; d: number } };
    };

const PLACEHOLDER_KEY = "0".repeat(64);

export class ExtractRun implements RecordSink {
  private readonly tokenizer: CsvTokenizer;
  private readonly sha = new Sha256();
  private readonly salt: Uint8Array;
  private decoder = new TextDecoder("utf-8", { fatal: true });
  private refused: { code: string; message: string } | null = null;
  private headerSeen = false;
  private sniffed = false;
  private headerCount = 0;
  private headerNames: string[] = [];
  private keys: BoundKey[] = [];
  private values: (BoundValue | null)[] = [];
  /** Per dataset column: the key it is (index into keys) or -1. */
  private keyOf: number[] = [];
  private scratch = new Uint8Array(1024);
  private out: Uint8Array<ArrayBuffer> = new Uint8Array(1 << 16);
  private outPos = 0;
  private outputBytes = 0;
  private bytesRead = 0;
  private rowsRead = 0;
  private rowsWritten = 0;
  private readonly dropped = new Map<string, RowProblem>();
  private readonly invalid = new Map<string, RowProblem>();
  private validRows = 0;
  private invalidRows = 0;
  private compiled: CompiledDataset | null = null;
  private guard: IdentifierGuard | null = null;
  private cells: string[] = [];
  private readonly explained = new Map<string, string>();
  private duplicateSets: { set: FixedWidthSet; scratch: Uint32Array; parts: ({ key: number } | { column: string })[]; count: DuplicateCount }[] = [];

  constructor(private readonly options: ExtractOptions) {
    this.tokenizer = new CsvTokenizer(this, { maxFieldLength: options.maxFieldLength ?? 100_000 });
    this.tokenizer.fieldHardLimit = 10_000;
    if (options.salt === "") this.refused = { code: "empty-salt", message: SALT_MISSING };
    this.salt = enc.encode(options.salt);
    const def = options.plan.dataset;
    if (def.needsPeriod && !/^\d{4}-H[12]$/.test(options.period ?? "")) {
      this.refused ??= {
        code: "period-required",
        message: `${def.title} files are checked against their 6-monthly batch: give the batch period (for example 2016-H1).`,
      };
    }
  }

  get done(): boolean {
    return this.refused !== null;
  }

  get rows(): number {
    return this.rowsRead;
  }

  private refuse(code: string, message: string): void {
    this.refused ??= { code, message };
    this.tokenizer.stop();
  }

  /** Feeds the next bytes of the raw extract. */
  feed(bytes: Uint8Array): void {
    if (this.refused) return;
    this.bytesRead += bytes.length;
    if (!this.sniffed && bytes.length > 0) {
      this.sniffed = true;
      const reason = notCsvReason(bytes);
      if (reason !== null) return this.refuse("not-csv", reason);
    }
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: true });
    } catch {
      return this.refuse(
        "not-utf8",
        `This file is not UTF-8 text (line ${this.tokenizer.line} or near it holds bytes that are not UTF-8). In Excel choose "CSV UTF-8 (comma delimited)" when saving. Nothing was pseudonymised.`,
      );
    }
    this.tokenizer.feed(text);
    this.afterTokenizer();
    this.flush();
  }

  private afterTokenizer(): void {
    const fatal = this.tokenizer.fatal;
    if (!fatal || this.refused) return;
    const messages: Record<string, string> = {
      "field-too-long": `Line ${fatal.line} has a field longer than the limit: is this really a CSV file, with its quotes closed?`,
      "unbalanced-quote": `A quoted field opened on line ${fatal.line} is never closed, so the rest of the file cannot be read as CSV.`,
      "control-character": `Line ${fatal.line} contains a control character that no CSV text holds: this does not look like a CSV file.`,
      "too-many-fields": `Line ${fatal.line} has more columns than any extract should: this does not look like a CSV file.`,
    };
    this.refuse(fatal.code === "unbalanced-quote" ? "unbalanced-quote" : "not-csv", `${messages[fatal.code]} Nothing was pseudonymised.`);
  }

  /** Hands the output written so far to `onOutput` (a copy: the buffer is reused). */
  private flush(): void {
    if (this.outPos === 0 || this.refused) return;
    this.options.onOutput(this.out.slice(0, this.outPos));
    this.outputBytes += this.outPos;
    this.outPos = 0;
  }

  /** Ends the input and returns the summary. */
  finish(): ExtractSummary {
    if (!this.refused) {
      try {
        const tail = this.decoder.decode();
        if (tail) this.tokenizer.feed(tail);
      } catch {
        this.refuse("not-utf8", "The file ends in the middle of a UTF-8 character: it is not UTF-8 text. Nothing was pseudonymised.");
      }
    }
    if (!this.refused) {
      this.tokenizer.end();
      this.afterTokenizer();
    }
    if (!this.refused && !this.headerSeen)
      this.refuse("empty-file", "The file is empty: there is no header row and no data. Nothing was pseudonymised.");
    if (!this.refused && this.rowsRead === 0) this.refuse("no-rows", "The file has a header row but no data rows. Nothing was pseudonymised.");
    this.flush();
    return this.summary();
  }

  /* ---------- the header ---------- */

  private bindHeader(fields: readonly string[]): void {
    this.headerSeen = true;
    const plan = this.options.plan;
    const names = fields.map((f) => f.trim());
    this.headerNames = names;
    this.headerCount = names.length;
    this.tokenizer.fieldLimit = this.headerCount;
    if (names.length === 1) {
      const sep = [";", "\t", "|"].find((d) => names[0]!.includes(d));
      if (sep) {
        const label = sep === "\t" ? "tabs" : `"${sep}"`;
        return this.refuse(
          "wrong-delimiter",
          `The columns of this file are separated by ${label}, not commas: save it as CSV (comma delimited). Nothing was pseudonymised.`,
        );
      }
    }
    const problems: string[] = [];
    const indexOf = (column: string, use: string): number => {
      let i = names.indexOf(column.trim());
      if (i < 0) {
        const lower = column.trim().toLowerCase();
        const matches = names.flatMap((n, j) => (n.toLowerCase() === lower ? [j] : []));
        if (matches.length === 1) i = matches[0]!;
        else if (matches.length > 1)
          problems.push(`Your file has ${matches.length} columns named "${column}" (${use}): rename them so each is unique.`);
      } else if (names.lastIndexOf(column.trim()) !== i) {
        problems.push(`Your file has more than one column named "${column}" (${use}): rename them so each is unique.`);
      }
      if (i < 0 && !problems.some((p) => p.includes(`"${column}"`))) {
        problems.push(`Your file has no column "${column}", which the mapping uses for ${use}.`);
      }
      return i;
    };
    const used = new Set<number>();
    const keyIndex = new Map<string, number>();
    for (const o of plan.outputs) {
      if (o.kind === "key") {
        const ids = o.key.identifiers.map((spec) => {
          const index = indexOf(spec.column, o.key.column);
          used.add(index);
          return { ...spec, index };
        });
        keyIndex.set(o.key.column, this.keys.length);
        this.keys.push({ column: o.key.column, ids, blanks: ids.map(() => 0), pending: new Uint8Array(ids.length), words: new Uint32Array(8) });
      }
    }
    plan.dataset.columns.forEach((column, k) => {
      const o = plan.outputs[k]!;
      if (o.kind === "key") {
        this.keyOf.push(keyIndex.get(column.name)!);
        this.values.push(null);
        return;
      }
      this.keyOf.push(-1);
      this.values.push(this.bindValue(o.source, column, indexOf, used));
    });
    if (problems.length > 0) {
      const shown = names
        .slice(0, 30)
        .map((n) => `"${n}"`)
        .join(", ");
      return this.refuse(
        "mapping-does-not-fit",
        `${[...new Set(problems)].join(" ")} The file's columns are: ${shown}${names.length > 30 ? ", …" : ""}.`,
      );
    }
    this.droppedColumns = names.filter((_, i) => !used.has(i));
    this.startValidation(keyIndex);
  }

  private droppedColumns: string[] = [];

  private bindValue(source: ColumnSource | null, column: ColumnDef, indexOf: (c: string, use: string) => number, used: Set<number>): BoundValue {
    if (source === null) return { kind: "empty" };
    if ("constant" in source) return { kind: "constant", value: source.constant };
    const index = indexOf(source.column, column.name);
    used.add(index);
    if (!("derive" in source)) return { kind: "copy", index };
    if (source.derive !== "age-band") return { kind: source.derive, index, format: source.date, from: source.column };
    if ("fixed" in source.at) {
      return { kind: "age-band", index, format: source.date, from: source.column, at: { fixed: parseDate(source.at.fixed, "YYYY-MM-DD")! } };
    }
    const at = indexOf(source.at.column, column.name);
    used.add(at);
    return { kind: "age-band", index, format: source.date, from: source.column, at: { index: at, format: source.at.date, from: source.at.column } };
  }

  private startValidation(keyIndex: Map<string, number>): void {
    const def = this.options.plan.dataset;
    this.compiled = compileDataset(def.id, def.needsPeriod ? { period: this.options.period } : {});
    this.guard = new IdentifierGuard(def.columns.map((c) => ({ name: c.name, kind: c.kind })));
    this.cells = def.columns.map(() => "");
    const sets: { columns: string[]; description: string }[] = [];
    if (def.unique) sets.push({ columns: [...def.unique.columns], description: def.unique.description });
    // Without a uniqueness rule, repeated people are worth reporting; repeated households are not
    // (several rows per address is the grain of the address-level datasets), and each counter costs
    // about a fifth of the CPU time (docs/performance.md).
    else if (keyIndex.has("person_key")) sets.push({ columns: ["person_key"], description: "rows whose person_key was already on an earlier row" });
    this.duplicateSets = sets.map((s) => {
      const parts = s.columns.map((c) => (keyIndex.has(c) ? { key: keyIndex.get(c)! } : { column: c }));
      const words = parts.reduce((w, p) => w + ("key" in p ? 8 : 1), 0);
      return {
        set: new FixedWidthSet(words),
        scratch: new Uint32Array(words),
        parts,
        count: { columns: s.columns, description: s.description, count: 0, firstLines: [], complete: true },
      };
    });
  }

  /* ---------- rows ---------- */

  record(fields: readonly string[], count: number, line: number, quoteProblem: number): void {
    if (this.refused) return;
    if (!this.headerSeen) {
      this.bindHeader(fields.slice(0, count));
      return;
    }
    this.rowsRead++;
    if (count !== this.headerCount) {
      problem(this.dropped, "wrong-field-count", "", `the row has ${count} fields where the header has ${this.headerCount}`, line);
      return;
    }
    if (quoteProblem >= 0) {
      problem(
        this.dropped,
        "misplaced-quote",
        this.headerNames[quoteProblem] ?? "",
        "a quote in the middle of a field: the row cannot be read reliably",
        line,
      );
      return;
    }
    this.row(fields, line);
  }

  private row(fields: readonly string[], line: number): void {
    const start = this.outPos;
    // Worst case for a row: every character 3 UTF-8 bytes, doubled by quoting, plus separators.
    let chars = 0;
    for (let i = 0; i < this.headerCount; i++) chars += fields[i]!.length;
    this.out = grow(this.out, start + 6 * chars + 80 * this.values.length + 2, start);
    const needScratch = paddedLength(3 * chars + this.salt.length + 16);
    if (this.scratch.length < needScratch) this.scratch = new Uint8Array(needScratch * 2);

    const out = this.out;
    let pos = start;
    const columns = this.options.plan.dataset.columns;
    const cells = this.cells;
    for (let k = 0; k < this.values.length; k++) {
      if (k > 0) out[pos++] = 0x2c;
      const key = this.keyOf[k]!;
      if (key >= 0) {
        if (!this.hashKey(this.keys[key]!, fields, line, out, pos)) {
          this.outPos = start;
          return;
        }
        pos += 64;
        cells[k] = PLACEHOLDER_KEY;
        continue;
      }
      const value = this.valueOf(this.values[k]!, columns[k]!, fields, line);
      if (value === null) {
        this.outPos = start;
        return;
      }
      cells[k] = value;
      pos = writeCell(value, out, pos);
    }
    out[pos++] = 0x0d;
    out[pos++] = 0x0a;
    this.outPos = pos;
    this.rowsWritten++;
    for (const key of this.keys) for (let i = 0; i < key.ids.length; i++) key.blanks[i]! += key.pending[i]!;
    this.validate(line);
  }

  /** Hashes one key into `out[at]`; false when the row must be dropped. */
  private hashKey(key: BoundKey, fields: readonly string[], line: number, out: Uint8Array, at: number): boolean {
    const scratch = this.scratch;
    let o = 0;
    let blanks = 0;
    const ids = key.ids;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let raw = fields[id.index]!;
      switch (id.transform) {
        case undefined:
        case "none":
          break;
        case "uppercase":
          raw = raw.toUpperCase();
          break;
        case "nhs-number":
          raw = processNhsNumber(raw);
          break;
        case "date": {
          if (raw.trim() === "") {
            raw = "";
            break;
          }
          const d = parseDate(raw, id.date!);
          if (d === null) {
            problem(this.dropped, "bad-date", id.column, `not a date in the form ${id.date} (needed for ${key.column})`, line);
            return false;
          }
          raw = isoDate(d);
          break;
        }
      }
      const before = o;
      o = encodeUtf8Into(raw, scratch, o, true);
      const blank = o === before ? 1 : 0;
      key.pending[i] = blank;
      blanks += blank;
    }
    if (blanks === ids.length) {
      // Every identifier blank: the digest would be the salt's alone, shared by every such row.
      problem(this.dropped, "blank-identifiers", key.column, `every identifier of ${key.column} is blank, so it cannot be pseudonymised`, line);
      return false;
    }
    scratch.set(this.salt, o);
    o += this.salt.length;
    this.sha.hexInto(scratch, o, out, at);
    this.sha.wordsInto(key.words, 0);
    return true;
  }

  private valueOf(bound: BoundValue, column: ColumnDef, fields: readonly string[], line: number): string | null {
    switch (bound.kind) {
      case "empty":
        return "";
      case "constant":
        return bound.value;
      case "copy":
        return fields[bound.index]!;
      case "date":
      case "month": {
        const raw = fields[bound.index]!;
        if (raw.trim() === "") return "";
        const d = parseDate(raw, bound.format);
        if (d === null) {
          problem(this.dropped, "bad-date", bound.from, `not a date in the form ${bound.format} (needed for ${column.name})`, line);
          return null;
        }
        return bound.kind === "date" ? isoDate(d) : isoMonth(d);
      }
      case "age-band": {
        const raw = fields[bound.index]!;
        if (raw.trim() === "") return "";
        const birth = parseDate(raw, bound.format);
        if (birth === null) {
          problem(this.dropped, "bad-date", bound.from, `not a date in the form ${bound.format} (needed for ${column.name})`, line);
          return null;
        }
        let at = "fixed" in bound.at ? bound.at.fixed : null;
        if (!("fixed" in bound.at)) {
          at = parseDate(fields[bound.at.index]!, bound.at.format);
          if (at === null) {
            problem(this.dropped, "bad-date", bound.at.from, `not a date in the form ${bound.at.format} (needed for ${column.name})`, line);
            return null;
          }
        }
        const band = ageBand(ageOn(birth, at!));
        if (band === null) {
          problem(this.dropped, "born-after-reference", bound.from, `the date of birth is after the date the age is taken on (${column.name})`, line);
          return null;
        }
        return band;
      }
    }
  }

  /* ---------- the platform's rules on the output row ---------- */

  private validate(line: number): void {
    const compiled = this.compiled!;
    const guard = this.guard!;
    const cells = this.cells;
    const result = compiled.validate(cells);
    if (result.ok) {
      let flagged = false;
      for (const k of guard.validCheckColumns) if (guard.inspectValid(k, cells[k]!, line) !== null) flagged = true;
      if (flagged) this.invalidRows++;
      else {
        this.validRows++;
        this.countDuplicates(result.row, line);
      }
      return;
    }
    this.invalidRows++;
    const columns = compiled.columns;
    for (const k of result.invalidColumns) {
      const raw = cells[k]!;
      // An identifier in the output is reported by rule and column only, like the upload does.
      if (guard.inspect(k, raw, line, false) !== null) continue;
      const id = `${k}\u0000${raw}`;
      let expected = this.explained.get(id);
      if (expected === undefined) {
        expected = explainCell(columns[k]!, raw).expected;
        if (this.explained.size > 4096) this.explained.clear();
        this.explained.set(id, expected);
      }
      problem(this.invalid, "invalid-value", columns[k]!.name, `expected ${expected}`, line);
    }
    for (const f of result.crossField) problem(this.invalid, f.rule, f.column, `expected ${f.expected}`, line);
  }

  private countDuplicates(row: Readonly<Record<string, unknown>>, line: number): void {
    for (const d of this.duplicateSets) {
      if (!d.count.complete) continue;
      if (d.set.size >= MAX_TRACKED_ROWS) {
        d.count.complete = false;
        continue;
      }
      let w = 0;
      for (const p of d.parts) {
        if ("key" in p) {
          d.scratch.set(this.keys[p.key]!.words, w);
          w += 8;
        } else d.scratch[w++] = Number(row[p.column]) >>> 0;
      }
      if (d.set.add(d.scratch, line) !== 0) {
        d.count.count++;
        if (d.count.firstLines.length < LINES_KEPT) d.count.firstLines.push(line);
      }
    }
  }

  summary(): ExtractSummary {
    const refused = this.refused;
    return {
      refused,
      bytesRead: this.bytesRead,
      rowsRead: this.rowsRead,
      rowsWritten: refused ? 0 : this.rowsWritten,
      outputBytes: refused ? 0 : this.outputBytes,
      dropped: [...this.dropped.values()],
      partlyBlank: this.keys.flatMap((k) =>
        k.ids.flatMap((id, i) => (k.blanks[i]! > 0 ? [{ key: k.column, heading: id.heading, column: id.column, count: k.blanks[i]! }] : [])),
      ),
      duplicates: this.duplicateSets.map((d) => ({ ...d.count, firstLines: [...d.count.firstLines] })),
      validation: {
        validRows: this.validRows,
        invalidRows: this.invalidRows,
        problems: [...this.invalid.values()],
        identifierFindings: this.guard?.findings() ?? [],
      },
      droppedColumns: this.droppedColumns,
      keys: this.options.plan.outputs.flatMap((o) =>
        o.kind === "key"
          ? [{ column: o.key.column, headings: o.key.identifiers.map((i) => i.heading), columns: o.key.identifiers.map((i) => i.column) }]
          : [],
      ),
    };
  }

  /** The output's header line: the specification's column names, in its order. */
  static header(plan: MappingPlan): Uint8Array {
    return enc.encode(`${plan.dataset.columns.map((c) => c.name).join(",")}\r\n`);
  }
}

/** Writes one CSV cell (RFC 4180: quoted only when it holds a comma, quote, CR or LF). */
function writeCell(value: string, out: Uint8Array, pos: number): number {
  let quote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2c || c === 0x22 || c === 0x0d || c === 0x0a) {
      quote = true;
      break;
    }
  }
  if (!quote) return encodeUtf8Into(value, out, pos, false);
  out[pos++] = 0x22;
  pos = encodeUtf8Into(value.replaceAll('"', '""'), out, pos, false);
  out[pos++] = 0x22;
  return pos;
}

/**
 * Runs a whole extract through {@link ExtractRun}, reading `chunks` in turn. Output (header first)
 * goes to `onOutput`. Used by the CLI and the Web Worker alike.
 */
export async function pseudonymiseExtract(
  chunks: AsyncIterable<Uint8Array>,
  options: ExtractOptions,
  onProgress?: (bytesRead: number, rowsRead: number) => void,
): Promise<ExtractSummary> {
  let headerSent = false;
  const run = new ExtractRun({
    ...options,
    onOutput: (bytes) => {
      if (!headerSent) {
        headerSent = true;
        options.onOutput(ExtractRun.header(options.plan));
      }
      options.onOutput(bytes);
    },
  });
  let read = 0;
  for await (const chunk of chunks) {
    // Large reads are cut so that progress is reported and the output flushed at a steady pace.
    for (let at = 0; at < chunk.length && !run.done; at += 1 << 20) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + (1 << 20)));
      run.feed(piece);
      read += piece.length;
      onProgress?.(read, run.rows);
    }
    if (run.done) break;
  }
  const summary = run.finish();
  if (!summary.refused && !headerSent) options.onOutput(ExtractRun.header(options.plan));
  return summary;
}
