import "server-only";

/**
 * A set of fixed-width byte strings with the line each was first seen on. Uniqueness
 * of keys must be checked over the whole file while streaming; a JS `Set` of 64-char
 * strings costs ~100 bytes per row, this costs ~45 (32-byte digest, 4-byte line,
 * hash slots), all outside the JS heap.
 */
export class FixedWidthSet {
  private entries: Uint8Array;
  private lines: Uint32Array;
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(
    private readonly width: number,
    initialCapacity = 1024,
  ) {
    this.entries = new Uint8Array(initialCapacity * width);
    this.lines = new Uint32Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity * 2).fill(-1);
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
    const base = entry * this.width;
    for (let i = 0; i < this.width; i++) if (this.entries[base + i] !== bytes[i]) return false;
    return true;
  }

  /** Adds `bytes` (exactly `width` long). Returns 0 if new, else the line it was first added with. */
  add(bytes: Uint8Array, line: number): number {
    let slot = this.hash(bytes, 0) & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry < 0) break;
      if (this.equalsAt(entry, bytes)) return this.lines[entry]!;
      slot = (slot + 1) & this.mask;
    }
    if (this.count * this.width >= this.entries.length) this.growEntries();
    // A plain loop: subarray()+set() allocates a view per row, which shows in profiles.
    const base = this.count * this.width;
    for (let i = 0; i < this.width; i++) this.entries[base + i] = bytes[i]!;
    this.lines[this.count] = line;
    this.slots[slot] = this.count;
    this.count++;
    if (this.count * 2 > this.slots.length) this.rehash();
    return 0;
  }

  private growEntries(): void {
    // 1.5x keeps the slack (allocated but unused entries) lower than doubling.
    const capacity = Math.ceil((this.entries.length / this.width) * 1.5);
    const entries = new Uint8Array(capacity * this.width);
    entries.set(this.entries);
    this.entries = entries;
    const lines = new Uint32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.count; entry++) {
      let slot = this.hash(this.entries, entry * this.width) & mask;
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
