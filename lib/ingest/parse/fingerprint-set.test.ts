import { describe, expect, it } from "vitest";
import { fakeDigest } from "@/lib/datasets/testing/generate";
import { FixedWidthSet, writeDigestWords } from "@/lib/ingest/parse/unique-set";

describe("FixedWidthSet keeps fingerprints, not values", () => {
  it("tells apart keys that differ in one word or share all but a few bits", () => {
    const set = new FixedWidthSet(8);
    const value = new Uint32Array(8);
    let line = 1;
    // Every single-bit change of an all-zero key, and of a key of equal words: the shapes a
    // weak fingerprint (a truncation, an XOR of words) would fold together.
    for (const fill of [0, 0xdeadbeef]) {
      for (let w = 0; w < 8; w++) {
        for (let bit = 0; bit < 32; bit++) {
          value.fill(fill);
          value[w] = (value[w]! ^ (1 << bit)) >>> 0;
          expect(set.add(value, ++line)).toBe(0);
        }
      }
    }
    // Repeats are still found; the same difference in two words (cancels in an XOR of words) is not one.
    value.fill(0);
    value[0] = 1;
    expect(set.add(value, ++line)).not.toBe(0);
    value[0] = 0;
    value[1] = 1;
    expect(set.add(value, ++line)).not.toBe(0);
    value.set([5, 0, 0, 5, 0, 0, 0, 0]);
    expect(set.add(value, ++line)).toBe(0);
    value.set([6, 0, 0, 6, 0, 0, 0, 0]);
    expect(set.add(value, ++line)).toBe(0);
  });

  it("holds the generator's pseudonyms (long shared runs) without a false duplicate, and finds every repeat", () => {
    const set = new FixedWidthSet(8);
    const words = new Uint32Array(8);
    const n = 300_000;
    for (let row = 0; row < n; row++) {
      writeDigestWords(fakeDigest(row), words, 0);
      expect(set.add(words, row + 2)).toBe(0);
    }
    for (const row of [0, 1, 4_095, 65_536, n - 1]) {
      writeDigestWords(fakeDigest(row).toUpperCase(), words, 0);
      expect(set.add(words, 1)).toBe(row + 2);
    }
    expect(set.size).toBe(n);
  });

  it("uses between 16 and 32 bytes a key once past its first allocation", () => {
    const set = new FixedWidthSet(8);
    const value = new Uint32Array(8);
    for (const n of [100_000, 400_000, 1_000_000]) {
      while (set.size < n) {
        value[0] = set.size;
        value[3] = Math.imul(set.size, 0x9e3779b1);
        set.add(value, set.size + 2);
      }
      expect(set.bytes / n).toBeGreaterThanOrEqual(16);
      expect(set.bytes / n).toBeLessThan(32);
    }
  });
});
