import "server-only";
import {
  BATCH_PERIOD_PATTERN,
  DATASET_IDS,
  cellParser,
  compileDataset,
  copyRowWriter,
  CopyTextWriter,
  explainCell,
  getDataset,
  INVALID,
  type CellParser,
  type ColumnDef,
  type CompiledDataset,
  type ConsistencyRule,
  type DatasetDef,
  type DatasetId,
  type FieldFailure,
  type RowOf,
} from "@/lib/datasets";
import { IdentifierGuard, type GuardColumn } from "@/lib/ingest/guard";
import { SNIFF_BYTES, Utf8ChunkDecoder, sniff } from "@/lib/ingest/parse/decode";
import { ErrorCollector, WHOLE_ROW, messages, type FileError, type ValidationReport, type ValidationStatus } from "@/lib/ingest/parse/errors";
import { DIGEST_NAME, analyseHeader, withheldColumnLabel } from "@/lib/ingest/parse/header";
import { CsvTokenizer, type RecordSink, type TokenizerFatal } from "@/lib/ingest/parse/tokenizer";
import { FixedWidthSet, writeDigestWords } from "@/lib/ingest/parse/unique-set";

export type CsvInput = AsyncIterable<Uint8Array | string>;

export interface ValidateOptions<Id extends DatasetId = DatasetId> {
  readonly datasetId: Id;
  /** The batch (YYYY-H1 / YYYY-H2) the file is uploaded as; required for troubled-families. */
  readonly period?: string;
  /** Row errors kept as examples (all are counted). Default 100. */
  readonly maxErrorsKept?: number;
  /** Longest field accepted, in characters. Default 10,000. */
  readonly maxFieldLength?: number;
  /** Header columns beyond which the file is refused unread. Default 200. */
  readonly maxColumns?: number;
  /**
   * Also hand out the valid rows as PostgreSQL COPY text (`RowBatch.copyText`), written from the
   * accepted cells: cheaper than formatting the normalised rows afterwards.
   */
  readonly copyText?: boolean;
}

export const DEFAULT_LIMITS = { maxErrorsKept: 100, maxFieldLength: 10_000, maxColumns: 200 } as const;

/** Valid rows in file order, with the physical line each started on. */
export interface RowBatch<Id extends DatasetId = DatasetId> {
  readonly rows: RowOf<Id>[];
  readonly lines: number[];
  /**
   * With `copyText: true`: the batch's rows as COPY text, one line each (ending in "\n"): the
   * row's physical line number, a tab, then its columns in `sqlColumns` order.
   */
  readonly copyText?: Buffer;
}

/** Input is cut into slices of this size so that one huge chunk cannot make one huge batch. */
const SLICE_BYTES = 65_536;

type Phase = "header" | "rows" | "guard-only" | "stopped";

/** Kind of every column name any dataset uses, for guarding files with a refused header. */
const KNOWN_COLUMNS: ReadonlyMap<string, ColumnDef> = new Map(DATASET_IDS.flatMap((id) => getDataset(id).columns.map((c) => [c.name, c] as const)));

class UniqueTracker {
  private readonly set: FixedWidthSet;
  private readonly scratch: Uint32Array;
  private readonly parts: { index: number; kind: "key" | "year" }[];

  constructor(def: DatasetDef, columns: readonly string[]) {
    this.parts = columns.map((name) => {
      const index = def.columns.findIndex((c) => c.name === name);
      const kind = def.columns[index]!.kind;
      if (kind !== "key" && kind !== "year") throw new TypeError(`uniqueness over ${kind} columns is not supported`);
      return { index, kind };
    });
    const words = this.parts.reduce((w, p) => w + (p.kind === "key" ? 8 : 1), 0);
    this.set = new FixedWidthSet(words);
    this.scratch = new Uint32Array(words);
  }

  /**
   * 0 if the row's unique columns are new, else the line they were first seen on.
   * Reads the validated cells (dataset order): keys in either case decode to the same words.
   */
  add(cells: readonly string[], row: Readonly<Record<string, unknown>>, names: readonly string[], line: number): number {
    let word = 0;
    for (const part of this.parts) {
      if (part.kind === "key") {
        writeDigestWords(cells[part.index]!, this.scratch, word);
        word += 8;
      } else {
        this.scratch[word++] = row[names[part.index]!] as number;
      }
    }
    return this.set.add(this.scratch, line);
  }
}

/**
 * A cross-row consistency rule over the whole file (a family in one group): every row with the
 * same key value has the same value in the rule's column as the key's first row. One fingerprint
 * set of the keys, no row kept: the slot's "line" holds the first line and that row's value
 * (line × 8 + value index), so enumerations of up to 8 values and files of up to 2²⁸ lines fit.
 */
class ConsistencyTracker {
  private readonly keys = new FixedWidthSet(8);
  private readonly scratch = new Uint32Array(8);
  private readonly keyIndex: number;
  private readonly valueIndex: number;
  private readonly values: readonly string[];

  constructor(
    def: DatasetDef,
    readonly rule: ConsistencyRule,
  ) {
    this.keyIndex = def.columns.findIndex((c) => c.name === rule.key);
    this.valueIndex = def.columns.findIndex((c) => c.name === rule.column);
    const key = def.columns[this.keyIndex];
    const value = def.columns[this.valueIndex];
    if (key?.kind !== "key" || value?.kind !== "enum" || value.values.length > 8) {
      throw new TypeError("consistency rules pair a key column with an enumeration of at most 8 values");
    }
    this.values = value.values;
  }

  /** 0 when consistent, else the line on which this key first appeared (with another value). */
  add(cells: readonly string[], line: number): number {
    writeDigestWords(cells[this.keyIndex]!, this.scratch, 0);
    const value = this.values.indexOf(cells[this.valueIndex]!);
    const first = this.keys.add(this.scratch, line * 8 + value);
    if (first === 0 || (first & 7) === value) return 0;
    return first >>> 3;
  }
}

/** Caches zod's explanation of repeated bad values (a whole column of "yes " costs one zod call). */
class ExplainCache {
  private readonly cache = new Map<string, FieldFailure>();

  explain(column: ColumnDef, index: number, raw: string): FieldFailure {
    if (column.kind === "key") return explainCell(column, raw);
    const key = `${index}\u0000${raw}`;
    let failure = this.cache.get(key);
    if (!failure) {
      failure = explainCell(column, raw);
      if (this.cache.size >= 4096) this.cache.clear();
      this.cache.set(key, failure);
    }
    return failure;
  }
}

/** The state of one validation pass; the CSV tokenizer feeds it records. */
class StreamValidator<Id extends DatasetId> implements RecordSink {
  readonly def: DatasetDef;
  readonly tokenizer: CsvTokenizer;
  private readonly decoder = new Utf8ChunkDecoder();
  private readonly errors: ErrorCollector;
  private readonly explainer = new ExplainCache();
  private readonly fileErrors: FileError[] = [];
  private readonly maxColumns: number;
  private readonly period: string | null;
  private readonly periodOk: boolean;

  private phase: Phase = "header";
  private compiled: CompiledDataset | null = null;
  private guard: IdentifierGuard | null = null;
  /** Identifiers found in the header line itself. */
  private headerFindings: IdentifierGuard | null = null;
  private unique: UniqueTracker | null = null;
  private consistency: ConsistencyTracker[] = [];
  private order: number[] = [];
  /** For each file column, the dataset column it feeds (or -1). */
  private fileToDataset: number[] = [];
  private headerCount = 0;
  private cells: string[] = [];
  private columnNames: string[] = [];
  private keyColumn: boolean[] = [];
  /** Guard-only mode: parser per file column (null for unknown columns). */
  private guardParsers: (CellParser | null)[] = [];

  private batchRows: RowOf<Id>[] = [];
  private batchLines: number[] = [];
  private readonly copyOut: CopyTextWriter | null;
  private readonly copyRow: ReturnType<typeof copyRowWriter> | null;

  bytesRead = 0;
  private rowsSeen = 0;
  private validRows = 0;
  private invalidRows = 0;
  private rowsEmitted = 0;
  private headerSeen = false;
  private finished = false;
  private stoppedEarly = false;
  private lastByteWasLineBreak = false;

  constructor(readonly options: ValidateOptions<Id>) {
    this.def = getDataset(options.datasetId);
    this.errors = new ErrorCollector(options.maxErrorsKept ?? DEFAULT_LIMITS.maxErrorsKept);
    this.maxColumns = options.maxColumns ?? DEFAULT_LIMITS.maxColumns;
    this.tokenizer = new CsvTokenizer(this, { maxFieldLength: options.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength });
    this.tokenizer.fieldHardLimit = this.maxColumns;
    this.tokenizer.fieldLimit = this.maxColumns;
    this.copyOut = options.copyText ? new CopyTextWriter() : null;
    this.copyRow = options.copyText ? copyRowWriter(this.def.id) : null;
    this.period = this.def.needsPeriod ? (options.period ?? null) : null;
    this.periodOk = !this.def.needsPeriod || (this.period !== null && BATCH_PERIOD_PATTERN.test(this.period));
    if (!this.periodOk) this.fileErrors.push({ code: "period-required", message: messages.periodRequired(this.def.id) });
  }

  get done(): boolean {
    return this.phase === "stopped" || this.tokenizer.done;
  }

  /** Refuses the file: nothing more is read. */
  private refuse(error: FileError): void {
    this.fileErrors.push(error);
    this.phase = "stopped";
    this.stoppedEarly = true;
    this.tokenizer.stop();
  }

  /** First bytes: is this a UTF-8 text file at all? Returns the BOM length to skip, or -1 when refused. */
  start(prefix: Uint8Array): number {
    const result = sniff(prefix);
    if (result.kind === "refused") {
      this.refuse(result.error);
      return -1;
    }
    return result.bomLength;
  }

  feedBytes(bytes: Uint8Array): void {
    if (this.done) return;
    const decoded = this.decoder.decode(bytes);
    this.tokenizer.feed(decoded.text, decoded.ascii);
    this.afterTokenizer();
    if (decoded.invalidAt >= 0 && !this.done) {
      this.refuse({
        code: "invalid-utf8",
        message: messages.invalidUtf8(this.tokenizer.line, decoded.invalidAt),
        line: this.tokenizer.line,
        byteOffset: decoded.invalidAt,
      });
    }
  }

  private afterTokenizer(): void {
    const fatal = this.tokenizer.fatal;
    if (fatal && this.phase !== "stopped") this.refuse(this.fatalToError(fatal));
  }

  private fatalToError(fatal: TokenizerFatal): FileError {
    switch (fatal.code) {
      case "field-too-long":
        return {
          code: "field-too-long",
          message: messages.fieldTooLong(fatal.line, this.options.maxFieldLength ?? DEFAULT_LIMITS.maxFieldLength),
          line: fatal.line,
        };
      case "unbalanced-quote":
        return { code: "unbalanced-quote", message: messages.unbalancedQuote(fatal.line), line: fatal.line };
      case "control-character": {
        const hex = `0x${(fatal.charCode ?? 0).toString(16).padStart(2, "0").toUpperCase()}`;
        return {
          code: "binary-content",
          message: messages.binary(`line ${fatal.line} contains the control character ${hex}, which no CSV text holds`),
          line: fatal.line,
        };
      }
      case "too-many-fields":
        return {
          code: "too-many-columns",
          message: messages.tooManyColumns(this.maxColumns, this.def.columns.length),
          line: fatal.line,
        };
    }
  }

  /** End of input. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.phase !== "stopped") {
      const tail = this.decoder.finish();
      if (tail.invalidAt >= 0) {
        this.refuse({
          code: "invalid-utf8",
          message: messages.invalidUtf8(this.tokenizer.line, tail.invalidAt),
          line: this.tokenizer.line,
          byteOffset: tail.invalidAt,
        });
      }
    }
    if (this.phase !== "stopped") {
      this.tokenizer.end();
      this.afterTokenizer();
    }
    if (this.stoppedEarly) return;
    if (!this.headerSeen) this.fileErrors.push({ code: "empty-file", message: messages.emptyFile() });
    else if (this.rowsSeen === 0) this.fileErrors.push({ code: "no-data-rows", message: messages.noDataRows(), line: 2 });
  }

  /** Marks the run as cut short by the consumer or by a read failure. */
  abandon(error?: FileError): void {
    if (error) this.fileErrors.push(error);
    this.stoppedEarly = true;
    this.phase = "stopped";
    this.tokenizer.stop();
  }

  takeBatch(): RowBatch<Id> | null {
    if (this.batchRows.length === 0) return null;
    const batch: RowBatch<Id> = this.copyOut
      ? { rows: this.batchRows, lines: this.batchLines, copyText: this.copyOut.take() }
      : { rows: this.batchRows, lines: this.batchLines };
    this.batchRows = [];
    this.batchLines = [];
    return batch;
  }

  /* ---------- records ---------- */

  record(fields: readonly string[], count: number, line: number, quoteProblem: number): void {
    switch (this.phase) {
      case "rows":
        this.validateRow(fields, count, line, quoteProblem);
        return;
      case "guard-only":
        this.guardRow(fields, count, line);
        return;
      case "header":
        this.header(fields.slice(0, count));
        return;
      case "stopped":
        return;
    }
  }

  private header(fields: readonly string[]): void {
    this.headerSeen = true;
    // Header names are shown back in messages; a file without its header row has data
    // on line 1, so names are guarded first and flagged ones are withheld.
    const headerGuard = new IdentifierGuard([]);
    const withheld = new Set<number>();
    fields.forEach((name, i) => {
      if (headerGuard.inspectHeader(name, i) !== null) withheld.add(i);
    });
    this.headerFindings = headerGuard;
    const analysis = analyseHeader(this.def.id, fields, withheld);
    this.headerCount = fields.length;
    this.tokenizer.fieldHardLimit = Number.POSITIVE_INFINITY;
    this.tokenizer.fieldLimit = this.headerCount;
    if (analysis.stopReading) {
      for (const e of analysis.errors.slice(1)) this.fileErrors.push(e);
      this.refuse(analysis.errors[0]!);
      return;
    }
    if (analysis.order === null || !this.periodOk) {
      for (const e of analysis.errors) this.fileErrors.push(e);
      this.enterGuardOnly(analysis.names, withheld);
      return;
    }
    this.order = [...analysis.order];
    const context = this.def.needsPeriod ? { period: this.period! } : {};
    this.compiled = compileDataset(this.def.id, context);
    this.columnNames = this.def.columns.map((c) => c.name);
    this.keyColumn = this.def.columns.map((c) => c.kind === "key");
    this.cells = new Array<string>(this.def.columns.length).fill("");
    this.fileToDataset = new Array<number>(this.headerCount).fill(-1);
    this.order.forEach((fileIndex, k) => (this.fileToDataset[fileIndex] = k));
    this.guard = new IdentifierGuard(this.def.columns.map((c) => ({ name: c.name, kind: c.kind })));
    this.unique = this.def.unique ? new UniqueTracker(this.def, this.def.unique.columns) : null;
    this.consistency = (this.def.consistent ?? []).map((rule) => new ConsistencyTracker(this.def, rule));
    this.phase = "rows";
  }

  /**
   * The header was refused but the rows may still hold identifiers (a forgotten name or
   * postcode column is the classic breach), so they are read through the guard only.
   */
  private enterGuardOnly(names: readonly string[], withheld: ReadonlySet<number>): void {
    // Findings are reported by column name, so a name that is itself data is replaced.
    const columns: GuardColumn[] = names.map((name, i) => ({
      name: withheld.has(i) ? withheldColumnLabel(i) : DIGEST_NAME.test(name) ? `(column ${i + 1})` : name,
      kind: KNOWN_COLUMNS.get(name)?.kind ?? "unknown",
    }));
    this.guard = new IdentifierGuard(columns);
    this.guardParsers = names.map((name) => {
      const def = KNOWN_COLUMNS.get(name);
      return def ? cellParser(def) : null;
    });
    this.phase = "guard-only";
  }

  private guardRow(fields: readonly string[], count: number, line: number): void {
    this.rowsSeen++;
    const guard = this.guard!;
    const n = Math.min(count, this.headerCount);
    for (let j = 0; j < n; j++) {
      const raw = fields[j]!;
      const parser = this.guardParsers[j];
      const valid = parser !== null && parser !== undefined && parser(raw) !== INVALID;
      if (valid) {
        if (guard.checksValid[j]) guard.inspectValid(j, raw, line);
      } else guard.inspect(j, raw, line, false);
    }
  }

  private validateRow(fields: readonly string[], count: number, line: number, quoteProblem: number): void {
    this.rowsSeen++;
    const guard = this.guard!;
    if (count !== this.headerCount || quoteProblem >= 0) {
      this.invalidRows++;
      if (count !== this.headerCount) {
        this.errors.add(line, WHOLE_ROW, "wrong-field-count", `${this.headerCount} fields, like the header`, `${count} fields`);
      }
      if (quoteProblem >= 0) {
        const k = this.fileToDataset[quoteProblem] ?? -1;
        this.errors.add(
          line,
          k >= 0 ? this.columnNames[k]! : WHOLE_ROW,
          "misplaced-quote",
          'quotes only around a whole field, with any quote inside it doubled ("")',
          undefined,
        );
      }
      const n = Math.min(count, this.headerCount);
      for (let j = 0; j < n; j++) {
        const k = this.fileToDataset[j]!;
        if (k >= 0) guard.inspect(k, fields[j]!, line, false);
      }
      return;
    }

    const cells = this.cells;
    const order = this.order;
    for (let k = 0; k < cells.length; k++) cells[k] = fields[order[k]!]!;
    const result = this.compiled!.validate(cells);
    const checks = guard.validCheckColumns;

    if (result.ok) {
      let flagged = false;
      for (let j = 0; j < checks.length; j++) {
        const k = checks[j]!;
        if (guard.inspectValid(k, cells[k]!, line) !== null) flagged = true;
      }
      if (flagged) {
        this.invalidRows++;
        this.dropBatchOnIncident();
        return;
      }
      if (this.unique) {
        const first = this.unique.add(cells, result.row, this.columnNames, line);
        if (first !== 0) {
          this.invalidRows++;
          const columns = this.def.unique!.columns;
          this.errors.add(
            line,
            columns[0]!,
            "duplicate",
            `a value not seen before in this file (${this.def.unique!.description}); first seen on line ${first}`,
            undefined,
          );
          return;
        }
      }
      let inconsistent = false;
      for (const tracker of this.consistency) {
        const first = tracker.add(cells, line);
        if (first === 0) continue;
        inconsistent = true;
        const k = this.columnNames.indexOf(tracker.rule.column);
        this.errors.add(
          line,
          tracker.rule.column,
          "inconsistent",
          `the same ${tracker.rule.column} as line ${first}, where this ${tracker.rule.key} first appears (${tracker.rule.reason})`,
          cells[k],
        );
      }
      if (inconsistent) {
        this.invalidRows++;
        return;
      }
      this.validRows++;
      if (guard.cellsFlagged === 0 && this.headerFindings!.cellsFlagged === 0) {
        this.batchRows.push(result.row as RowOf<Id>);
        this.batchLines.push(line);
        const out = this.copyOut;
        if (out) {
          out.uint(line);
          out.tab();
          this.copyRow!(out, cells, result.row);
        }
        this.rowsEmitted++;
      }
      return;
    }

    this.invalidRows++;
    const invalid = result.invalidColumns;
    for (let j = 0; j < invalid.length; j++) {
      const k = invalid[j]!;
      const raw = cells[k]!;
      // An identifier is an incident, not a validation error: never echo it.
      if (guard.inspect(k, raw, line, false) !== null) continue;
      const column = this.def.columns[k]!;
      const failure = this.explainer.explain(column, k, raw);
      this.errors.add(line, column.name, failure.rule, failure.expected, this.keyColumn[k] ? undefined : raw);
    }
    for (let j = 0; j < checks.length; j++) {
      const k = checks[j]!;
      if (!invalid.includes(k)) guard.inspectValid(k, cells[k]!, line);
    }
    for (const failure of result.crossField) {
      const k = this.columnNames.indexOf(failure.column);
      this.errors.add(line, failure.column, failure.rule, failure.expected, this.keyColumn[k] ? undefined : cells[k]);
    }
    if (guard.cellsFlagged > 0) this.dropBatchOnIncident();
  }

  /** After the first identifier, no row of this file may go anywhere. */
  private dropBatchOnIncident(): void {
    this.rowsEmitted -= this.batchRows.length;
    this.batchRows = [];
    this.batchLines = [];
    this.copyOut?.clear();
  }

  report(): ValidationReport {
    const identifierCells = (this.guard?.cellsFlagged ?? 0) + (this.headerFindings?.cellsFlagged ?? 0);
    const errorCount = this.errors.count;
    const status: ValidationStatus = identifierCells > 0 ? "incident" : this.fileErrors.length > 0 || errorCount > 0 ? "invalid" : "valid";
    return {
      datasetId: this.def.id,
      period: this.period,
      status,
      complete: this.finished && !this.stoppedEarly,
      bytesRead: this.bytesRead,
      linesRead: this.bytesRead === 0 ? 0 : this.tokenizer.line - (this.lastByteWasLineBreak ? 1 : 0),
      rowsSeen: this.rowsSeen,
      validRows: this.validRows,
      invalidRows: this.invalidRows,
      rowsEmitted: this.rowsEmitted,
      fileErrors: [...this.fileErrors],
      errorCount,
      errors: this.errors.kept(identifierCells > 0),
      errorGroups: this.errors.grouped(),
      identifierFindings: [...(this.headerFindings?.findings() ?? []), ...(this.guard?.findings() ?? [])],
      identifierCells,
    };
  }

  /** Tracks whether the input ends with a line break, which does not start another line. */
  noteLastByte(bytes: Uint8Array): void {
    if (bytes.length > 0) {
      const last = bytes[bytes.length - 1];
      this.lastByteWasLineBreak = last === 0x0a || last === 0x0d;
    }
  }
}

function toBytes(chunk: Uint8Array | string): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

function concatBytes(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface ValidationRun<Id extends DatasetId = DatasetId> extends AsyncIterable<RowBatch<Id>> {
  /** Settles when iteration ends (completely, or early if the consumer stops). */
  readonly report: Promise<ValidationReport>;
}

/**
 * Validates a CSV extract while streaming it: never holds more than one input slice,
 * one partial field and the current batch. Iterate the result to receive valid rows
 * in batches; iteration pace is the back-pressure (the input is read only as fast as
 * batches are consumed). Bad input never throws: it ends up in the report.
 *
 * Row strings may share memory with the input slice they came from; a consumer that
 * keeps many values for long (beyond writing them on) should copy them.
 */
export function validateCsvStream<Id extends DatasetId>(input: CsvInput, options: ValidateOptions<Id>): ValidationRun<Id> {
  let resolveReport!: (r: ValidationReport) => void;
  const report = new Promise<ValidationReport>((resolve) => (resolveReport = resolve));
  let started = false;

  async function* run(): AsyncGenerator<RowBatch<Id>, void, undefined> {
    const v = new StreamValidator<Id>(options);
    const iterator = input[Symbol.asyncIterator]();
    let prelude: Uint8Array[] = [];
    let preludeLength = 0;
    let sniffed = false;
    let reachedEnd = false;

    // Generator functions cannot yield from a callback, so slices are fed here.
    async function* feed(bytes: Uint8Array): AsyncGenerator<RowBatch<Id>> {
      for (let offset = 0; offset < bytes.length && !v.done; offset += SLICE_BYTES) {
        v.feedBytes(bytes.subarray(offset, offset + SLICE_BYTES));
        const batch = v.takeBatch();
        if (batch) yield batch;
      }
    }

    async function* startWith(bytes: Uint8Array): AsyncGenerator<RowBatch<Id>> {
      sniffed = true;
      const bom = v.start(bytes);
      if (bom >= 0) yield* feed(bytes.subarray(bom));
    }

    try {
      while (!v.done) {
        let next: IteratorResult<Uint8Array | string>;
        try {
          next = await iterator.next();
        } catch {
          v.abandon({ code: "read-failed", message: messages.readFailed() });
          break;
        }
        if (next.done) {
          reachedEnd = true;
          break;
        }
        const bytes = toBytes(next.value);
        if (bytes.length === 0) continue;
        v.bytesRead += bytes.length;
        v.noteLastByte(bytes);
        if (sniffed) {
          yield* feed(bytes);
          continue;
        }
        prelude.push(bytes);
        preludeLength += bytes.length;
        if (preludeLength >= SNIFF_BYTES) {
          const first = concatBytes(prelude, preludeLength);
          prelude = [];
          yield* startWith(first);
        }
      }
      if (reachedEnd) {
        if (!sniffed) yield* startWith(concatBytes(prelude, preludeLength));
        v.finish();
        const batch = v.takeBatch();
        if (batch) yield batch;
      } else if (!v.done) {
        v.abandon();
      }
    } finally {
      if (!reachedEnd) {
        if (!v.done) v.abandon();
        // Stop the source (closes a file or socket) when we did not read it to the end.
        await iterator.return?.().catch(() => undefined);
      }
      resolveReport(v.report());
    }
  }

  return {
    report,
    [Symbol.asyncIterator]() {
      if (started) throw new Error("a validation run can only be iterated once");
      started = true;
      return run();
    },
  };
}

export interface ValidateCsvOptions<Id extends DatasetId> extends ValidateOptions<Id> {
  /** Receives each batch of valid rows; the next batch waits for the returned promise. */
  readonly onRows?: (batch: RowBatch<Id>) => void | Promise<void>;
}

/** Validates a whole stream, handing valid rows to `onRows`, and returns the report. */
export async function validateCsv<Id extends DatasetId>(input: CsvInput, options: ValidateCsvOptions<Id>): Promise<ValidationReport> {
  const run = validateCsvStream(input, options);
  for await (const batch of run) {
    if (options.onRows) await options.onRows(batch);
  }
  return run.report;
}
