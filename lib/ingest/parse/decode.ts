import "server-only";
import { isAscii, isUtf8 } from "node:buffer";
import { messages, type FileError } from "@/lib/ingest/parse/errors";

/** Bytes looked at before deciding what kind of file this is. */
export const SNIFF_BYTES = 512;

export type Sniff = { readonly kind: "text"; readonly bomLength: number } | { readonly kind: "refused"; readonly error: FileError };

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

const SIGNATURES: readonly { magic: readonly number[]; error: () => FileError }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], error: () => ({ code: "zip-archive", message: messages.zip() }) },
  { magic: [0x50, 0x4b, 0x05, 0x06], error: () => ({ code: "zip-archive", message: messages.zip() }) },
  { magic: [0x50, 0x4b, 0x07, 0x08], error: () => ({ code: "zip-archive", message: messages.zip() }) },
  {
    magic: [0x1f, 0x8b],
    error: () => ({ code: "binary-content", message: messages.binary("it is a gzip-compressed file; upload the CSV itself") }),
  },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    error: () => ({
      code: "binary-content",
      message: messages.binary("it is an Excel 97-2003 workbook (.xls); export the sheet as CSV UTF-8"),
    }),
  },
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], error: () => ({ code: "binary-content", message: messages.binary("it is a PDF document") }) },
  {
    magic: [0xff, 0xfe],
    error: () => ({ code: "utf16", message: messages.utf16("it starts with the little-endian byte-order mark FF FE") }),
  },
  {
    magic: [0xfe, 0xff],
    error: () => ({ code: "utf16", message: messages.utf16("it starts with the big-endian byte-order mark FE FF") }),
  },
];

/**
 * Decides from the first bytes whether this can be a UTF-8 CSV at all. `prefix` holds
 * the first {@link SNIFF_BYTES} bytes (fewer only if the file is shorter).
 */
export function sniff(prefix: Uint8Array): Sniff {
  for (const { magic, error } of SIGNATURES) if (startsWith(prefix, magic)) return { kind: "refused", error: error() };
  const bomLength = startsWith(prefix, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  const body = prefix.subarray(bomLength);
  // UTF-16 without a BOM: ASCII text then has a NUL in every other byte.
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === 0) {
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
  }
  const pairs = Math.floor(body.length / 2);
  if (pairs >= 2) {
    if (oddNul >= pairs * 0.4 && evenNul <= pairs * 0.1) {
      return { kind: "refused", error: { code: "utf16", message: messages.utf16("little-endian, recognised by its NUL bytes") } };
    }
    if (evenNul >= pairs * 0.4 && oddNul <= pairs * 0.1) {
      return { kind: "refused", error: { code: "utf16", message: messages.utf16("big-endian, recognised by its NUL bytes") } };
    }
  }
  if (evenNul + oddNul > 0) {
    return { kind: "refused", error: { code: "binary-content", message: messages.binary("it contains NUL bytes (binary data)") } };
  }
  return { kind: "text", bomLength };
}

/** Index of the first byte in `bytes` that breaks UTF-8 (overlongs and surrogates included), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need > n - 1) return i;
    const second = bytes[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const b = bytes[i + k]!;
      if (b < 0x80 || b > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Length of `bytes` without a trailing incomplete UTF-8 sequence (which the next chunk completes). */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  let k = n - 1;
  let continuation = 0;
  while (k >= 0 && continuation < 3 && (bytes[k]! & 0xc0) === 0x80) {
    k--;
    continuation++;
  }
  if (k < 0) return n;
  const lead = bytes[k]!;
  const expected = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return expected > continuation ? k : n;
}

export interface Decoded {
  readonly text: string;
  /** The bytes of `text` when it is pure ASCII (one byte per character). */
  readonly ascii?: Buffer;
  /** Absolute byte offset of the first invalid byte, or -1. `text` is everything before it. */
  readonly invalidAt: number;
}

/**
 * Strict, streaming UTF-8 to string. ASCII chunks (the usual case) are converted with
 * a single latin1 copy; others are checked with the native validator, and only a
 * failing chunk is scanned in JS to locate the bad byte.
 */
export class Utf8ChunkDecoder {
  private tail: Uint8Array | null = null;
  /** Bytes consumed so far (absolute offset of the next byte). */
  private offset = 0;

  decode(chunk: Uint8Array): Decoded {
    let bytes = chunk;
    let base = this.offset;
    if (this.tail) {
      const joined = new Uint8Array(this.tail.length + chunk.length);
      joined.set(this.tail);
      joined.set(chunk, this.tail.length);
      base -= this.tail.length;
      bytes = joined;
      this.tail = null;
    }
    this.offset += chunk.length;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (isAscii(buf)) return { text: buf.toString("latin1"), ascii: buf, invalidAt: -1 };
    const end = completeLength(buf);
    if (end < buf.length) this.tail = Uint8Array.prototype.slice.call(buf, end);
    const body = buf.subarray(0, end);
    if (isUtf8(body)) return { text: body.toString("utf8"), invalidAt: -1 };
    const bad = firstInvalidUtf8(body);
    return { text: body.toString("utf8", 0, Math.max(0, bad)), invalidAt: base + Math.max(0, bad) };
  }

  /** At end of input: an incomplete sequence left over is invalid. */
  finish(): Decoded {
    if (!this.tail) return { text: "", invalidAt: -1 };
    const at = this.offset - this.tail.length;
    this.tail = null;
    return { text: "", invalidAt: at };
  }
}
