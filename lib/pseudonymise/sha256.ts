/*
 * SHA-256 (FIPS 180-4) in plain TypeScript, synchronous, with no dependency on node:crypto or
 * WebCrypto, so that the browser (a Web Worker), the server and the CLI compute every digest with
 * the same code (docs/decisions/088-pseudonymisation-at-source.md). WebCrypto's digest() is
 * asynchronous per call, which costs more than the hash itself for the ~50-byte messages of a
 * pseudonymised row. Tested against node:crypto on random input (sha256.test.ts).
 *
 * The hot entry point is `Sha256.hexInto`: the message is already UTF-8 bytes in a scratch buffer
 * the caller owns, and the 64 uppercase hex characters are written as ASCII bytes straight into
 * the output buffer, so a row costs no string allocation at all.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Uppercase hex digits as ASCII codes: the tool formats each byte "X2". */
const HEX_UPPER = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  const s = b.toString(16).toUpperCase().padStart(2, "0");
  HEX_UPPER[2 * b] = s.charCodeAt(0);
  HEX_UPPER[2 * b + 1] = s.charCodeAt(1);
}

export class Sha256 {
  private readonly w = new Int32Array(64);
  private readonly h = new Int32Array(8);

  /**
   * Hashes `buf[0, length)` and writes the digest as 64 uppercase hex ASCII bytes at `out[at]`.
   * `buf` is used as scratch for the padding: it must hold at least `paddedLength(length)` bytes.
   */
  hexInto(buf: Uint8Array, length: number, out: Uint8Array, at: number): void {
    this.run(buf, length);
    const h = this.h;
    for (let i = 0; i < 8; i++) {
      const v = h[i]!;
      const o = at + 8 * i;
      let b = (v >>> 24) * 2;
      out[o] = HEX_UPPER[b]!;
      out[o + 1] = HEX_UPPER[b + 1]!;
      b = ((v >>> 16) & 0xff) * 2;
      out[o + 2] = HEX_UPPER[b]!;
      out[o + 3] = HEX_UPPER[b + 1]!;
      b = ((v >>> 8) & 0xff) * 2;
      out[o + 4] = HEX_UPPER[b]!;
      out[o + 5] = HEX_UPPER[b + 1]!;
      b = (v & 0xff) * 2;
      out[o + 6] = HEX_UPPER[b]!;
      out[o + 7] = HEX_UPPER[b + 1]!;
    }
  }

  /** The last digest as eight 32-bit words (for fingerprint sets), written at `out[at]`. */
  wordsInto(out: Uint32Array, at: number): void {
    for (let i = 0; i < 8; i++) out[at + i] = this.h[i]! >>> 0;
  }

  /** The 32-byte digest of `buf[0, length)` (same scratch rule as {@link hexInto}). */
  bytes(buf: Uint8Array, length: number): Uint8Array {
    this.run(buf, length);
    const out = new Uint8Array(32);
    for (let i = 0; i < 8; i++) {
      const v = this.h[i]!;
      out[4 * i] = v >>> 24;
      out[4 * i + 1] = v >>> 16;
      out[4 * i + 2] = v >>> 8;
      out[4 * i + 3] = v;
    }
    return out;
  }

  private run(buf: Uint8Array, length: number): void {
    const total = paddedLength(length);
    if (buf.length < total) throw new RangeError("SHA-256 scratch buffer too small for the padding");
    buf[length] = 0x80;
    buf.fill(0, length + 1, total - 8);
    // Bit length, big-endian, in the last 8 bytes (messages here are far below 2^32 bytes).
    const bits = length * 8;
    const hi = Math.floor(bits / 0x100000000);
    buf[total - 8] = hi >>> 24;
    buf[total - 7] = hi >>> 16;
    buf[total - 6] = hi >>> 8;
    buf[total - 5] = hi;
    buf[total - 4] = bits >>> 24;
    buf[total - 3] = bits >>> 16;
    buf[total - 2] = bits >>> 8;
    buf[total - 1] = bits;

    const h = this.h;
    const w = this.w;
    let h0 = 0x6a09e667 | 0;
    let h1 = 0xbb67ae85 | 0;
    let h2 = 0x3c6ef372 | 0;
    let h3 = 0xa54ff53a | 0;
    let h4 = 0x510e527f | 0;
    let h5 = 0x9b05688c | 0;
    let h6 = 0x1f83d9ab | 0;
    let h7 = 0x5be0cd19 | 0;
    for (let p = 0; p < total; p += 64) {
      for (let i = 0; i < 16; i++) {
        const j = p + 4 * i;
        w[i] = (buf[j]! << 24) | (buf[j + 1]! << 16) | (buf[j + 2]! << 8) | buf[j + 3]!;
      }
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15]!;
        const y = w[i - 2]!;
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
      }
      let a = h0;
      let b = h1;
      let c = h2;
      let d = h3;
      let e = h4;
      let f = h5;
      let g = h6;
      let hh = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + hh) | 0;
    }
    h[0] = h0;
    h[1] = h1;
    h[2] = h2;
    h[3] = h3;
    h[4] = h4;
    h[5] = h5;
    h[6] = h6;
    h[7] = h7;
  }
}

/** Bytes a message of `length` bytes occupies once padded: a whole number of 64-byte blocks. */
export function paddedLength(length: number): number {
  return (((length + 8) >>> 6) + 1) << 6;
}

/**
 * Writes the UTF-8 bytes of `s` at `buf[at]`, like TextEncoder and Node's "utf8" (a lone
 * surrogate becomes U+FFFD), skipping space, tab, CR and LF when `stripBlanks` is set (the tool's
 * RemoveBlanks). Returns the new end. `buf` must have room for 3 bytes per UTF-16 unit.
 */
export function encodeUtf8Into(s: string, buf: Uint8Array, at: number, stripBlanks: boolean): number {
  let o = at;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      if (stripBlanks && (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) continue;
      buf[o++] = c;
    } else if (c < 0x800) {
      buf[o++] = 0xc0 | (c >>> 6);
      buf[o++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[o++] = 0xf0 | (cp >>> 18);
          buf[o++] = 0x80 | ((cp >>> 12) & 0x3f);
          buf[o++] = 0x80 | ((cp >>> 6) & 0x3f);
          buf[o++] = 0x80 | (cp & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      buf[o++] = 0xe0 | (c >>> 12);
      buf[o++] = 0x80 | ((c >>> 6) & 0x3f);
      buf[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

const shared = new Sha256();
let scratch = new Uint8Array(256);

/** SHA-256 of the UTF-8 encoding of `s`, as 64 uppercase hex characters. */
export function sha256HexUpper(s: string): string {
  const need = paddedLength(3 * s.length);
  if (scratch.length < need) scratch = new Uint8Array(need);
  const length = encodeUtf8Into(s, scratch, 0, false);
  const out = new Uint8Array(64);
  shared.hexInto(scratch, length, out, 0);
  return String.fromCharCode(...out);
}
