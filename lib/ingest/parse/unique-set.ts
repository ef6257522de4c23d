import "server-only";

const PAGE_BITS = 16;
const PAGE_ENTRIES = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_ENTRIES - 1;

/**
 * A set of fixed-width byte strings with the line each was first seen on. Uniqueness
 * of keys must be checked over the whole file while streaming; a JS `Set` of 64-char
 * strings costs ~100 bytes per row and lives on the JS heap. This costs 32 + 4 bytes
 * per entry plus 8–16 bytes of hash slots, in fixed-size pages so that growing never
 * copies (or doubles) what is already stored.
 */
export class FixedWidthSet {
  private readonly pages: Uint8Array[] = [];
  private readonly linePages: Uint32Array[] = [];
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(private readonly width: number) {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = this.slots.length - 1;
  }

  get size(): number {
    return this.count;
  }

  private hash(bytes: Uint8Array, offset: number): number {
    // FNV-1a over all bytes: keys in tests and broken exports are not random, so the
    // first bytes alone would cluster.
    let h = 0x811c9dc5;
    const end = offset + this.width;
    for (let i = offset; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    return (h ^ (h >>> 15)) >>> 0;
  }

  private equalsAt(entry: number, bytes: Uint8Array): boolean {
    const page = this.pages[entry >>> PAGE_BITS]!;
    const base = (entry & PAGE_MASK) * this.width;
    for (let i = 0; i < this.width; i++) if (page[base + i] !== bytes[i]) return false;
    return true;
  }

  /** Adds `bytes` (exactly `width` long). Returns 0 if new, else the line it was first added with. */
  add(bytes: Uint8Array, line: number): number {
    let slot = this.hash(bytes, 0) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry < 0) break;
      if (this.equalsAt(entry, bytes)) return this.linePages[entry >>> PAGE_BITS]![entry & PAGE_MASK]!;
      slot = (slot + 1) & this.mask;
    }
    const entry = this.count;
    const pageIndex = entry >>> PAGE_BITS;
    if (pageIndex === this.pages.length) {
      this.pages.push(new Uint8Array(PAGE_ENTRIES * this.width));
      this.linePages.push(new Uint32Array(PAGE_ENTRIES));
    }
    const page = this.pages[pageIndex]!;
    const base = (entry & PAGE_MASK) * this.width;
    // A plain loop: subarray()+set() allocates a view per row, which shows in profiles.
    for (let i = 0; i < this.width; i++) page[base + i] = bytes[i]!;
    this.linePages[pageIndex]![entry & PAGE_MASK] = line;
    this.slots[slot] = entry;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    return 0;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hash(this.pages[entry >>> PAGE_BITS]!, (entry & PAGE_MASK) * this.width) & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function hexValue(c: number): number {
  if (c <= 57) return c - 48;
  return (c | 0x20) - 87;
}

/** Writes a (validated) hex string into `out` at `offset` as bytes. */
export function writeHex(hex: string, out: Uint8Array, offset: number): void {
  for (let i = 0, j = offset; i < hex.length; i += 2, j++) {
    out[j] = (hexValue(hex.charCodeAt(i)) << 4) | hexValue(hex.charCodeAt(i + 1));
  }
}
