import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { FixedWidthSet, writeHex } from "./unique-set";

describe("FixedWidthSet", () => {
  it("behaves like a Map from value to first line (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => b.map((x) => x % 4)), { maxLength: 300 }), (values) => {
        const set = new FixedWidthSet(4);
        const reference = new Map<string, number>();
        values.forEach((v, i) => {
          const key = Array.from(v).join(",");
          const expected = reference.get(key) ?? 0;
          if (!reference.has(key)) reference.set(key, i + 2);
          expect(set.add(v, i + 2)).toBe(expected);
        });
        expect(set.size).toBe(reference.size);
      }),
    );
  });

  it("keeps working across pages and rehashes", () => {
    const set = new FixedWidthSet(8);
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < 200_000; i++) {
      view.setUint32(0, i);
      expect(set.add(bytes, i + 2)).toBe(0);
    }
    for (const i of [0, 65_535, 65_536, 131_072, 199_999]) {
      view.setUint32(0, i);
      expect(set.add(bytes, 1)).toBe(i + 2);
    }
    expect(set.size).toBe(200_000);
  });
});

describe("writeHex", () => {
  it("decodes either case", () => {
    const out = new Uint8Array(4);
    writeHex("00fFa5", out, 1);
    expect(Array.from(out)).toEqual([0, 0x00, 0xff, 0xa5]);
  });
});
