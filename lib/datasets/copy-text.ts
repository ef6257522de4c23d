import "server-only";

const TAB = 9;
const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const BACKSLASH = 92;

/**
 * PostgreSQL COPY text format written straight into bytes.
 *
 * Building each row as a JavaScript string and joining rows into chunks made tens of small
 * strings per row, flattened and re-encoded to UTF-8 before the socket: on a million-row file
 * that cost more CPU than reading the CSV (docs/performance.md). Writing each accepted cell's
 * characters into one growing buffer skips the intermediate strings and their garbage.
 */
export class CopyTextWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Bytes written since the last {@link take}. */
  get length(): number {
    return this.pos;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Column separator. */
  tab(): void {
    this.reserve(1);
    this.buf[this.pos++] = TAB;
  }

  /** End of row. */
  endRow(): void {
    this.reserve(1);
    this.buf[this.pos++] = NEWLINE;
  }

  /** SQL NULL (`\N`). */
  null(): void {
    this.reserve(2);
    this.buf[this.pos++] = BACKSLASH;
    this.buf[this.pos++] = 78;
  }

  /** A non-negative whole number in decimal (line numbers). */
  uint(n: number): void {
    this.reserve(16);
    if (n === 0) {
      this.buf[this.pos++] = 48;
      return;
    }
    let digits = 0;
    for (let x = n; x >= 1; x = Math.floor(x / 10)) digits++;
    let at = this.pos + digits;
    this.pos = at;
    for (let x = n; x >= 1; x = Math.floor(x / 10)) this.buf[--at] = 48 + (x % 10);
  }

  /**
   * Text as UTF-8, with the four characters COPY text format gives a meaning to (backslash,
   * tab, newline, carriage return) escaped. A lone surrogate becomes U+FFFD, as Buffer.from does.
   */
  text(s: string): void {
    // Each UTF-16 unit needs at most 3 bytes (a surrogate pair: 4 for 2 units); an escape 2.
    this.reserve(s.length * 3);
    const buf = this.buf;
    let pos = this.pos;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c === BACKSLASH || c === TAB || c === NEWLINE || c === CARRIAGE_RETURN) {
          buf[pos++] = BACKSLASH;
          buf[pos++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 116 : c === NEWLINE ? 110 : 114;
        } else {
          buf[pos++] = c;
        }
      } else if (c < 0x800) {
        buf[pos++] = 0xc0 | (c >> 6);
        buf[pos++] = 0x80 | (c & 0x3f);
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
        buf[pos++] = 0xf0 | (cp >> 18);
        buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[pos++] = 0x80 | (cp & 0x3f);
      } else {
        const u = c >= 0xd800 && c <= 0xdfff ? 0xfffd : c;
        buf[pos++] = 0xe0 | (u >> 12);
        buf[pos++] = 0x80 | ((u >> 6) & 0x3f);
        buf[pos++] = 0x80 | (u & 0x3f);
      }
    }
    this.pos = pos;
  }

  /** Forgets what was written. */
  clear(): void {
    this.pos = 0;
  }

  /** The bytes written so far (a copy), and starts again from empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    return out;
  }
}
