/*
 * An RFC 4180 tokenizer that is fed decoded text chunk by chunk. It exists (instead of
 * papaparse's streaming mode) because the ingest pipeline needs things papaparse does
 * not give: physical line numbers across quoted newlines, a hard cap on field length
 * that never buffers the oversized field, the line where an unclosed quote opened, and
 * immediate refusal of control characters. See docs/decisions/010.
 *
 * Memory: at most one partial field (capped) and one record's fields (capped in number
 * by `fieldLimit`) are held between chunks.
 */

const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Saw a quote inside a quoted field at the very end of a chunk: escape or close? */
const QUOTE_AT_CHUNK_END = 3;
/** Just after a closing quote: only a separator or line end may follow. */
const AFTER_QUOTE = 4;

export type TokenizerFatalCode = "field-too-long" | "unbalanced-quote" | "control-character" | "too-many-fields";

export interface TokenizerFatal {
  readonly code: TokenizerFatalCode;
  /** Physical line (1-based) the problem is on; for a quote, the line where it opened. */
  readonly line: number;
  /** The offending character code for `control-character`. */
  readonly charCode?: number;
}

export interface RecordSink {
  /**
   * One record. `fields` is reused between calls (copy what you keep); only the first
   * `min(count, fieldLimit)` entries are set. `quoteProblem` is the index of the first
   * field with a misplaced quote, or -1.
   */
  record(fields: readonly string[], count: number, line: number, quoteProblem: number): void;
}

export interface TokenizerOptions {
  /** Longest field accepted, in characters. */
  readonly maxFieldLength: number;
}

type Latin1Slicer = { latin1Slice(start: number, end: number): string };
// The tokenizer also runs in the browser (lib/pseudonymise reads the partner's raw extract in a
// Web Worker), where there is no Buffer and `feed` is never given bytes.
const hasLatin1Slice = typeof Buffer !== "undefined" && typeof (Buffer.prototype as unknown as Partial<Latin1Slicer>).latin1Slice === "function";

/** V8 makes substrings of 13+ characters "sliced" strings that point into their parent. */
const SLICED_STRING_MIN = 13;

export class CsvTokenizer {
  /** Fields stored per record; further fields are counted but never materialised. */
  fieldLimit = Number.POSITIVE_INFINITY;
  /** A record with more fields than this stops the tokenizer at once (used for the header). */
  fieldHardLimit = Number.POSITIVE_INFINITY;
  /** Current physical line (1-based). */
  line = 1;
  fatal: TokenizerFatal | null = null;
  /** Records delivered, blank lines excluded. */
  records = 0;

  private state = FIELD_START;
  private carry = "";
  private escaped = false;
  private fields: string[] = [];
  private count = 0;
  private recordLine = 1;
  private fieldLine = 1;
  private quoteProblem = -1;
  private onlyFieldQuoted = false;
  /** A CR ended the last chunk outside quotes: an LF starting the next chunk belongs to it. */
  private pendingCR = false;
  /** The previous chunk ended with CR (inside a quoted field), for line counting. */
  private lastCharCR = false;
  /** The current quoted field is over the cap: scan for its end without keeping it. */
  private skipping = false;
  private stopped = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: TokenizerOptions,
  ) {}

  /** Stops processing: later input is ignored (the sink found a file-level problem). */
  stop(): void {
    this.stopped = true;
  }

  get done(): boolean {
    return this.stopped || this.fatal !== null;
  }

  private fail(code: TokenizerFatalCode, line: number, charCode?: number): void {
    this.fatal = charCode === undefined ? { code, line } : { code, line, charCode };
    this.stopped = true;
  }

  private endField(value: string): void {
    if (this.escaped) value = value.replaceAll('""', '"');
    if (value.length > this.options.maxFieldLength) {
      this.fail("field-too-long", this.fieldLine);
      return;
    }
    if (this.count < this.fieldLimit) this.fields[this.count] = value;
    this.count++;
    if (this.count > this.fieldHardLimit) this.fail("too-many-fields", this.recordLine);
    this.escaped = false;
  }

  private endRecord(): void {
    const count = this.count;
    const blank = count === 1 && this.fields[0] === "" && !this.onlyFieldQuoted;
    if (!blank) {
      this.records++;
      this.sink.record(this.fields, count, this.recordLine, this.quoteProblem);
    }
    this.count = 0;
    this.quoteProblem = -1;
    this.onlyFieldQuoted = false;
  }

  private markQuoteProblem(): void {
    if (this.quoteProblem < 0) this.quoteProblem = this.count;
  }

  /** Bytes of the current text when it is pure ASCII (then text index = byte index). */
  private ascii: Buffer | null = null;

  /**
   * A field's text. Long fields are copied out of the bytes rather than sliced from
   * the chunk text: a sliced string keeps the whole chunk alive as long as the value
   * lives, and reading its characters is several times slower (keys are read twice).
   */
  private take(s: string, start: number, end: number): string {
    if (end - start >= SLICED_STRING_MIN && this.ascii !== null) {
      return hasLatin1Slice ? (this.ascii as unknown as Latin1Slicer).latin1Slice(start, end) : this.ascii.toString("latin1", start, end);
    }
    return s.slice(start, end);
  }

  /**
   * Feeds the next piece of decoded text. Pass `asciiBytes` (the same content as bytes)
   * when the text is pure ASCII, so long fields can be copied out flat.
   */
  feed(s: string, asciiBytes?: Buffer): void {
    if (this.done) return;
    this.ascii = asciiBytes !== undefined && asciiBytes.length === s.length ? asciiBytes : null;
    const n = s.length;
    let i = 0;
    let state = this.state;
    let start = 0;

    if (this.pendingCR) {
      this.pendingCR = false;
      if (n > 0 && s.charCodeAt(0) === LF) i = 1;
      start = i;
    }
    if (state === QUOTE_AT_CHUNK_END && n > 0) {
      if (s.charCodeAt(0) === QUOTE) {
        this.escaped = true;
        state = QUOTED;
        i = 1;
        start = 0;
      } else {
        // The carried quote closed the field; drop it from the value.
        this.carry = this.carry.slice(0, -1);
        state = AFTER_QUOTE;
        start = 0;
      }
    }

    while (i < n) {
      if (state === FIELD_START) {
        if (this.count === 0) this.recordLine = this.line;
        if (s.charCodeAt(i) === QUOTE) {
          state = QUOTED;
          this.fieldLine = this.line;
          if (this.count === 0) this.onlyFieldQuoted = true;
          i++;
          start = i;
          continue;
        }
        this.fieldLine = this.line;
        state = UNQUOTED;
        start = i;
      }

      if (state === UNQUOTED) {
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c > COMMA) continue;
          if (c === COMMA) break;
          if (c === LF || c === CR) break;
          if (c === QUOTE) {
            this.markQuoteProblem();
            continue;
          }
          if (c < 0x20 && c !== TAB) {
            this.fail("control-character", this.line, c);
            return;
          }
        }
        if (i >= n) break;
        const c = s.charCodeAt(i);
        const value = this.carry === "" ? this.take(s, start, i) : this.carry + s.slice(start, i);
        this.carry = "";
        this.endField(value);
        if (this.done) return;
        i++;
        state = FIELD_START;
        if (c !== COMMA) {
          this.line++;
          if (c === CR) {
            if (i < n) {
              if (s.charCodeAt(i) === LF) i++;
            } else this.pendingCR = true;
          }
          this.endRecord();
          if (this.done) return;
        }
        continue;
      }

      if (state === QUOTED) {
        for (; i < n; i++) {
          const c = s.charCodeAt(i);
          if (c > QUOTE) continue;
          if (c === QUOTE) break;
          if (c === LF) {
            const prevCR = i > 0 ? s.charCodeAt(i - 1) === CR : this.lastCharCR;
            if (!prevCR) this.line++;
          } else if (c === CR) {
            this.line++;
          } else if (c < 0x20 && c !== TAB) {
            this.fail("control-character", this.line, c);
            return;
          }
        }
        if (i >= n) break;
        // A quote inside a quoted field: doubled (escaped) or closing.
        if (i + 1 >= n) {
          state = QUOTE_AT_CHUNK_END;
          i = n;
          break;
        }
        if (s.charCodeAt(i + 1) === QUOTE) {
          this.escaped = true;
          i += 2;
          continue;
        }
        if (!this.skipping) this.carry = this.carry === "" ? this.take(s, start, i) : this.carry + s.slice(start, i);
        i++;
        start = i;
        state = AFTER_QUOTE;
      }

      if (state === AFTER_QUOTE) {
        if (i >= n) break;
        if (this.skipping) {
          this.fail("field-too-long", this.fieldLine);
          return;
        }
        const c = s.charCodeAt(i);
        if (c === COMMA || c === LF || c === CR) {
          const value = this.carry;
          this.carry = "";
          this.endField(value);
          if (this.done) return;
          i++;
          state = FIELD_START;
          if (c !== COMMA) {
            this.line++;
            if (c === CR) {
              if (i < n) {
                if (s.charCodeAt(i) === LF) i++;
              } else this.pendingCR = true;
            }
            this.endRecord();
            if (this.done) return;
          }
          continue;
        }
        // Text after a closing quote: keep it as part of the value and flag the record.
        this.markQuoteProblem();
        this.carry += '"';
        start = i;
        state = UNQUOTED;
      }
    }

    // Chunk exhausted inside a field: carry its text (bounded) into the next chunk.
    if (state === UNQUOTED || state === QUOTED || state === QUOTE_AT_CHUNK_END) {
      if (!this.skipping) {
        const piece = start < n ? s.slice(start, n) : "";
        if (this.carry.length + piece.length > this.options.maxFieldLength + 2) {
          if (state === UNQUOTED) {
            this.fail("field-too-long", this.fieldLine);
            return;
          }
          // Keep scanning to tell an overlong field from a quote that never closes.
          this.skipping = true;
          this.carry = "";
        } else {
          this.carry += piece;
        }
      }
    }
    this.lastCharCR = n > 0 && s.charCodeAt(n - 1) === CR;
    this.state = state;
    this.ascii = null;
  }

  /** Signals the end of input: finishes the last record or reports an unclosed quote. */
  end(): void {
    if (this.done) return;
    const state = this.state;
    if (state === QUOTED) {
      this.fail("unbalanced-quote", this.fieldLine);
      return;
    }
    if (this.skipping) {
      this.fail("field-too-long", this.fieldLine);
      return;
    }
    if (state === QUOTE_AT_CHUNK_END) {
      this.endField(this.carry.slice(0, -1));
    } else if (state === AFTER_QUOTE) {
      this.endField(this.carry);
    } else if (state === UNQUOTED) {
      this.endField(this.carry);
    } else if (this.count > 0) {
      // Input ended right after a separator: the record's last field is empty.
      this.endField("");
    } else {
      return;
    }
    this.carry = "";
    if (this.done) return;
    this.endRecord();
  }
}
