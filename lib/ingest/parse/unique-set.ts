import "server-only";

const PAGE_BITS = 16;
const PAGE_ENTRIES = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ENTRIES - 1;
const EMPTY = -1;

/**
 * A set of fixed-width values (as 32-bit words) with the line each was first seen on.
 * Uniqueness of keys must be checked over the whole file while streaming; a JS `Set`
 * of 64-character strings costs ~100 bytes per row on the JS heap. Here a 32-byte
 * digest costs 32 + 4 bytes in fixed-size pages (growing never copies them) plus
 * 8-byte hash slots that hold the entry and its hash side by side, so a probe that
 * misses is rejected without touching the stored value (one cache miss, not two).
 */
export class FixedWidthSet {
  private readonly pages: Uint32Array[] = [];
  private readonly linePages: Uint32Array[] = [];
  /** Pairs [entry, hash]; entry -1 marks an empty slot. */
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  /** `words`: width of a value in 32-bit words. */
  constructor(private readonly words: number) {
    this.slots = new Int32Array(2 * 1024).fill(EMPTY);
    this.mask = 1024 - 1;
  }

  get size(): number {
    return this.count;
  }

  private hash(value: Uint32Array): number {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < this.words; i++) {
      h = Math.imul(h ^ value[i]!, 0x9e3779b1);
      h ^= h >>> 15;
    }
    return h;
  }

  private equalsAt(entry: number, value: Uint32Array): boolean {
    const page = this.pages[entry >>> PAGE_BITS]!;
    const base = (entry & PAGE_MASK) * this.words;
    for (let i = 0; i < this.words; i++) if (page[base + i] !== value[i]) return false;
    return true;
  }

  /** Adds `value` (its first `words` words). Returns 0 if new, else the line it was first added with. */
  add(value: Uint32Array, line: number): number {
    const h = this.hash(value);
    let slot = h & this.mask;
    for (;;) {
      const entry = this.slots[2 * slot]!;
      if (entry === EMPTY) break;
      if (this.slots[2 * slot + 1] === h && this.equalsAt(entry, value)) {
        return this.linePages[entry >>> PAGE_BITS]![entry & PAGE_MASK]!;
      }
      slot = (slot + 1) & this.mask;
    }
    const entry = this.count;
    const pageIndex = entry >>> PAGE_BITS;
    if (pageIndex === this.pages.length) {
      this.pages.push(new Uint32Array(PAGE_ENTRIES * this.words));
      this.linePages.push(new Uint32Array(PAGE_ENTRIES));
    }
    const page = this.pages[pageIndex]!;
    const base = (entry & PAGE_MASK) * this.words;
    for (let i = 0; i < this.words; i++) page[base + i] = value[i]!;
    this.linePages[pageIndex]![entry & PAGE_MASK] = line;
    this.slots[2 * slot] = entry;
    this.slots[2 * slot + 1] = h;
    this.count++;
    // Load factor 3/4: the stored hashes make long probe runs cheap.
    if (this.count * 4 > (this.mask + 1) * 3) this.rehash();
    return 0;
  }

  private rehash(): void {
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(2 * capacity).fill(EMPTY);
    const mask = capacity - 1;
    const old = this.slots;
    for (let s = 0; s < old.length; s += 2) {
      const entry = old[s]!;
      if (entry === EMPTY) continue;
      const h = old[s + 1]!;
      let slot = h & mask;
      while (slots[2 * slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[2 * slot] = entry;
      slots[2 * slot + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }
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
