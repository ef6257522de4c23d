import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CopyTextWriter } from "@/lib/datasets/copy-text";
import { escapeCopyText } from "@/lib/datasets/testing/copy-line";

// COPY's special characters, any code unit (lone surrogates too) and whole graphemes (pairs).
const UNIT = fc.oneof(
  fc.constantFrom("\\", "\t", "\n", "\r"),
  fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
);

describe("CopyTextWriter", () => {
  it("writes any text as Buffer.from would encode its COPY-escaped form (fuzzed, lone surrogates included)", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: UNIT })), (texts) => {
        // A tiny start forces the buffer to grow mid-row.
        const out = new CopyTextWriter(4);
        texts.forEach((t, i) => {
          if (i > 0) out.tab();
          out.text(t);
        });
        out.endRow();
        expect(out.take()).toEqual(Buffer.from(texts.map(escapeCopyText).join("\t") + "\n", "utf8"));
      }),
      { numRuns: 500 },
    );
  });

  it("writes whole numbers, NULL, and starts empty after take", () => {
    const out = new CopyTextWriter(1);
    for (const n of [0, 7, 10, 99, 1_000_000, 2 ** 40]) {
      out.uint(n);
      out.tab();
    }
    out.null();
    expect(out.take().toString("utf8")).toBe(`0\t7\t10\t99\t1000000\t${2 ** 40}\t\\N`);
    expect(out.length).toBe(0);
    const awkward = "a\ud800b\udc00c\ud83d\ude00é€";
    out.text(awkward);
    expect(out.take()).toEqual(Buffer.from(awkward, "utf8"));
    out.text("é");
    out.clear();
    expect(out.take()).toHaveLength(0);
  });
});
