import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FixedWidthSet, writeDigestWords } from "@/lib/ingest/parse/unique-set";

describe("FixedWidthSet", () => {
  it("behaves like a Map from value to first line (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { maxLength: 300 }), (values) => {
        const set = new FixedWidthSet(2);
        const reference = new Map<string, number>();
        values.forEach(([a, b], i) => {
          const key = `${a},${b}`;
          const expected = reference.get(key) ?? 0;
          if (!reference.has(key)) reference.set(key, i + 2);
          expect(set.add(Uint32Array.of(a, b), i + 2)).toBe(expected);
        });
        expect(set.size).toBe(reference.size);
      }),
    );
  });

  it("keeps working across pages and rehashes", () => {
    const set = new FixedWidthSet(9);
    const value = new Uint32Array(9);
    for (let i = 0; i < 200_000; i++) {
      value[8] = i;
      expect(set.add(value, i + 2)).toBe(0);
    }
    for (const i of [0, 65_535, 65_536, 131_072, 199_999]) {
      value[8] = i;
      expect(set.add(value, 1)).toBe(i + 2);
    }
    expect(set.size).toBe(200_000);
  });
});

describe("writeDigestWords", () => {
  it("decodes either case into big-endian words", () => {
    const out = new Uint32Array(9);
    writeDigestWords(`00fFa5${"0".repeat(56)}01`, out, 1);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0x00ffa500);
    expect(out[8]).toBe(1);
    const lower = new Uint32Array(9);
    writeDigestWords(`00ffa5${"0".repeat(56)}01`, lower, 1);
    expect(lower).toEqual(out);
  });
});
