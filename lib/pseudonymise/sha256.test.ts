import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Sha256, encodeUtf8Into, paddedLength, sha256HexUpper } from "./sha256";

const reference = (s: string) => createHash("sha256").update(s, "utf8").digest("hex").toUpperCase();

describe("sha256HexUpper", () => {
  it("gives the FIPS 180-4 examples", () => {
    expect(sha256HexUpper("abc")).toBe("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
    expect(sha256HexUpper("")).toBe("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855");
    expect(sha256HexUpper("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248D6A61D20638B8E5C026930C3E6039A33CE45964FF2167F6ECEDD419DB06C1",
    );
  });

  it("agrees with node:crypto on every length across the block boundaries", () => {
    for (let n = 0; n < 200; n++) expect(sha256HexUpper("x".repeat(n))).toBe(reference("x".repeat(n)));
  });

  it("agrees with node:crypto on any string, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(sha256HexUpper(s)).toBe(reference(s));
      }),
      {
        numRuns: 150,
      },
    );
  });
});

describe("encodeUtf8Into", () => {
  it("encodes like TextEncoder, and strips only space, tab, CR and LF when asked", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (s) => {
        const buf = new Uint8Array(3 * s.length + 1);
        const n = encodeUtf8Into(s, buf, 0, false);
        expect(Buffer.from(buf.subarray(0, n)).equals(Buffer.from(new TextEncoder().encode(s)))).toBe(true);
        const m = encodeUtf8Into(s, buf, 0, true);
        expect(Buffer.from(buf.subarray(0, m)).equals(Buffer.from(new TextEncoder().encode(s.replace(/[ \t\r\n]/g, ""))))).toBe(true);
      }),
    );
  });
});

describe("Sha256.hexInto", () => {
  it("writes ASCII hex at the offset and refuses a scratch buffer without room for the padding", () => {
    const h = new Sha256();
    const msg = new TextEncoder().encode("hello");
    const buf = new Uint8Array(paddedLength(msg.length));
    buf.set(msg);
    const out = new Uint8Array(70);
    h.hexInto(buf, msg.length, out, 3);
    expect(Buffer.from(out.subarray(3, 67)).toString("latin1")).toBe(reference("hello"));
    expect(() => h.hexInto(new Uint8Array(10), 5, out, 0)).toThrow(/scratch/);
  });
});
