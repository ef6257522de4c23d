/** Shards: each grows on its own, so a growth step never holds two copies of the whole table. */
const SHARD_BITS = 8;
const SHARDS = 1 << SHARD_BITS;
/** Slots per shard to begin with: 256 × 64 × 16 bytes is 256 KB for the smallest file. */
const INITIAL_SLOTS = 64;
/**
 * Linear probing up to 90% full, growing by a fifth: 17.8–21.3 bytes a key, against 47–57 for a
 * table that kept whole values. Measured on 7 million random keys: 127 MB and 3.2 s, where 85%
 * and ×1.3 took 139 MB and 2.8 s, and 80% and ×1.5 164 MB and 2.6 s (docs/performance.md).
 * The parser waits on the database for most of a large load, so memory is the scarcer of the two.
 */
const MAX_LOAD = 0.9;
const GROWTH = 1.2;
const MAX_SHARD_BYTES = 8 * 1024 * 1024;
const RESIZABLE_FROM_BYTES = 4 * 1024;
/** Words of a slot: the 96-bit fingerprint, then the line (0 marks an empty slot: lines start at 1). */
const SLOT = 4;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A set of fixed-width values (as 32-bit words) with the line each was first seen on, for
 * checking keys unique over a whole file while streaming it. Only a 96-bit fingerprint of each
 * value is kept, in open-addressed typed arrays (16 bytes a slot, off the JS heap): two distinct
 * values are taken for the same one only if their fingerprints agree, which for n keys happens
 * with probability at most n²/2⁹⁷ (3·10⁻¹⁶ for the 7 million rows of a 1 GB file; see
 * docs/decisions/050-ingest-pipeline.md). The fingerprint mixes every word of the value, so keys
 * that share a prefix or differ in one word (test data, a partner's sequential pseudonyms) are
 * as far apart as random ones.
 */
export class FixedWidthSet {
  private readonly tables: Int32Array[] = [];
  /** Holds one shard's entries while that shard is resized in place. */
  private scratch = new Int32Array(0);
  private readonly capacities = new Float64Array(SHARDS);
  private readonly counts = new Float64Array(SHARDS);
  private readonly limits = new Float64Array(SHARDS);
  private count = 0;

  /** `words`: width of a value in 32-bit words. */
  constructor(private readonly words: number) {
    for (let s = 0; s < SHARDS; s++) {
      this.tables.push(shardArray(INITIAL_SLOTS));
      this.capacities[s] = INITIAL_SLOTS;
      this.limits[s] = Math.floor(INITIAL_SLOTS * MAX_LOAD);
    }
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the slot arrays. */
  get bytes(): number {
    let total = 0;
    for (const t of this.tables) total += t.byteLength;
    return total;
  }

  /** Adds `value` (its first `words` words) seen on `line` (≥ 1). Returns 0 if new, else the line it was first added with. */
  add(value: Uint32Array, line: number): number {
    // Three lanes with different multipliers and rotations, folded together at the end, so that a
    // difference between two values that happens to cancel in one lane does not in the others.
    let a = 0x9747b28c | 0;
    let b = 0x2f6b1d5e | 0;
    let c = 0x5bd1e995 | 0;
    for (let i = 0; i < this.words; i++) {
      const w = value[i]! | 0;
      a = (Math.imul(((a ^ w) << 13) | ((a ^ w) >>> 19), 0xcc9e2d51) + 0x6b43a9b5) | 0;
      b = Math.imul(((b + w) << 17) | ((b + w) >>> 15), 0x1b873593) ^ 0x3c6ef372;
      c = (Math.imul(((c ^ Math.imul(w, 0x27d4eb2f)) << 11) | ((c ^ Math.imul(w, 0x27d4eb2f)) >>> 21), 0x165667b1) + i) | 0;
    }
    a = fmix(a ^ this.words);
    b = fmix((b + a) | 0);
    c = fmix(c ^ b);
    a = fmix((a + c) | 0);

    const shard = c >>> (32 - SHARD_BITS);
    const table = this.tables[shard]!;
    const capacity = this.capacities[shard]!;
    // The high bits of `a` scaled to the shard (capacities need not be powers of two).
    let at = Math.floor(((a >>> 0) / 4294967296) * capacity) * SLOT;
    const end = table.length;
    for (;;) {
      const seen = table[at + 3]!;
      if (seen === 0) break;
      if (table[at] === a && table[at + 1] === b && table[at + 2] === c) return seen;
      at += SLOT;
      if (at === end) at = 0;
    }
    table[at] = a;
    table[at + 1] = b;
    table[at + 2] = c;
    table[at + 3] = line;
    this.count++;
    if (++this.counts[shard]! > this.limits[shard]!) this.grow(shard);
    return 0;
  }

  private grow(shard: number): void {
    let table = this.tables[shard]!;
    const used = this.counts[shard]! * SLOT;
    if (this.scratch.length < used) this.scratch = new Int32Array(Math.ceil(used * GROWTH));
    const scratch = this.scratch;
    let n = 0;
    for (let from = 0; from < table.length; from += SLOT) {
      if (table[from + 3] === 0) continue;
      scratch[n] = table[from]!;
      scratch[n + 1] = table[from + 1]!;
      scratch[n + 2] = table[from + 2]!;
      scratch[n + 3] = table[from + 3]!;
      n += SLOT;
    }
    const capacity = Math.ceil(this.capacities[shard]! * GROWTH);
    const buffer = table.buffer as ArrayBuffer;
    // Resized in place: a new array per step would leave the old one as garbage until the next
    // collection, which in a 1 GB load was 40–70 MB of dead slots at any time.
    if (buffer.resizable && capacity * SLOT * 4 <= buffer.maxByteLength) {
      table.fill(0);
      buffer.resize(capacity * SLOT * 4);
    } else {
      table = shardArray(capacity);
      this.tables[shard] = table;
    }
    const end = table.length;
    for (let from = 0; from < n; from += SLOT) {
      const a = scratch[from]!;
      let at = Math.floor(((a >>> 0) / 4294967296) * capacity) * SLOT;
      while (table[at + 3] !== 0) {
        at += SLOT;
        if (at === end) at = 0;
      }
      table[at] = a;
      table[at + 1] = scratch[from + 1]!;
      table[at + 2] = scratch[from + 2]!;
      table[at + 3] = scratch[from + 3]!;
    }
    this.capacities[shard] = capacity;
    this.limits[shard] = Math.floor(capacity * MAX_LOAD);
  }
}

/**
 * A shard's slots. Past 4 KB, in a buffer that can grow in place up to 8 MB (half a million keys
 * a shard, 128 million in all): only the pages in use are ever touched, so the rest costs address
 * space, not memory, and small files (under ~50,000 keys) never reserve any. Beyond 8 MB a shard
 * moves to a new, larger buffer.
 */
function shardArray(slots: number): Int32Array {
  const bytes = slots * SLOT * 4;
  if (bytes < RESIZABLE_FROM_BYTES) return new Int32Array(bytes / 4);
  return new Int32Array(new ArrayBuffer(bytes, { maxByteLength: Math.max(bytes, MAX_SHARD_BYTES) }));
}

function hexValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Writes a (validated, either case) 64-hex digest into `out` as 8 words starting at `word`. */
export function writeDigestWords(hex: string, out: Uint32Array, word: number): void {
  for (let w = 0; w < 8; w++) {
    let v = 0;
    for (let i = w * 8, end = i + 8; i < end; i++) v = (v << 4) | hexValue(hex.charCodeAt(i));
    out[word + w] = v >>> 0;
  }
}
