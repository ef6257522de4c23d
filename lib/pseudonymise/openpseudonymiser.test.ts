import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createPseudonymiser,
  digestInput,
  digestsEqual,
  emptyIdentifierDigest,
  isDigest,
  isEmptyIdentifierDigest,
  openPseudonymiserDigest,
  sortHeadings,
} from "@/lib/pseudonymise";

const sha256Upper = (s: string) => createHash("sha256").update(s, "utf8").digest("hex").toUpperCase();

describe("openPseudonymiserDigest: published vectors", () => {
  it("reproduces the CryptoLib unit test (DOB sorts before NHSNumber, spaces stripped, salt appended)", () => {
    const digest = openPseudonymiserDigest({ NHSNumber: "943 476 5919", DOB: "29.11.1973" }, { salt: "mackerel" });
    expect(digest).toBe("ED72F814B7905F3D3958749FA90FE657C101EC657402783DB68CBE3513E76087");
  });

  it("reproduces the openpseudonymiser.org FAQ example with salt 'hello'", () => {
    expect(openPseudonymiserDigest({ NHSNumber: "123456789" }, { salt: "hello" })).toBe(
      "A4455E6581B78D69E569895C2B615DFA90A6CD56938E40CA91EDD26E44DEEDFE",
    );
  });
});

describe("openPseudonymiserDigest: hand-computed vectors", () => {
  it("hashes address_line_1 then postcode, blanks removed, salt verbatim", () => {
    const identifiers = { postcode: "SS16 4AB", address_line_1: "12 Alder\tRoad\r\n" };
    expect(digestInput(identifiers, { salt: "demo salt" })).toBe("12AlderRoadSS164ABdemo salt");
    expect(openPseudonymiserDigest(identifiers, { salt: "demo salt" })).toBe(sha256Upper("12AlderRoadSS164ABdemo salt"));
  });

  it("orders person identifiers alphabetically by heading", () => {
    const person = { surname: "Smith", gender: "F", forename: "Amy", date_of_birth: "2010-09-01" };
    expect(openPseudonymiserDigest(person, { salt: "k" })).toBe(sha256Upper("2010-09-01AmyFSmithk"));
  });

  it("does not case-fold values", () => {
    expect(openPseudonymiserDigest({ a: "abc" }, { salt: "k" })).not.toBe(openPseudonymiserDigest({ a: "ABC" }, { salt: "k" }));
  });

  it("encodes as UTF-8", () => {
    expect(openPseudonymiserDigest({ name: "Zoë" }, { salt: "k" })).toBe(
      createHash("sha256").update(Buffer.from("Zoëk", "utf8")).digest("hex").toUpperCase(),
    );
  });

  it("reduces the marked NHS number column to digits, and only that column", () => {
    const a = openPseudonymiserDigest({ NHSNumber: " 943-476-5919 ", ref: "A-1" }, { salt: "k", nhsNumberHeading: "NHSNumber" });
    expect(a).toBe(sha256Upper("9434765919A-1k"));
  });

  it("refuses an empty salt, as the tool does", () => {
    expect(() => openPseudonymiserDigest({ a: "1" }, { salt: "" })).toThrow(/salt/);
    expect(() => createPseudonymiser({ salt: "" })).toThrow(/salt/);
  });

  it("orders mixed-case headings like the desktop tool by default and like the Java port on request", () => {
    expect(sortHeadings(["banana", "Apple", "cherry"])).toEqual(["Apple", "banana", "cherry"]);
    expect(sortHeadings(["banana", "Apple"], "java")).toEqual(["banana", "Apple"]);
    expect(sortHeadings(["NHSNumber", "DOB"], "java")).toEqual(["DOB", "NHSNumber"]);
    const ids = { banana: "1", Apple: "2" };
    expect(openPseudonymiserDigest(ids, { salt: "k" })).toBe(sha256Upper("21k"));
    expect(openPseudonymiserDigest(ids, { salt: "k", headingOrder: "java" })).toBe(sha256Upper("12k"));
  });
});

describe("openPseudonymiserDigest: properties", () => {
  const heading = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
  const value = fc.string({ maxLength: 20 });
  const salt = fc.string({ minLength: 1, maxLength: 30 });
  const record = fc.dictionary(heading, value, { minKeys: 1, maxKeys: 6 });

  it("is 64 uppercase hex characters", () => {
    fc.assert(
      fc.property(record, salt, (ids, s) => {
        expect(openPseudonymiserDigest(ids, { salt: s })).toMatch(/^[0-9A-F]{64}$/);
      }),
    );
  });

  it("does not depend on the order of the input object's properties", () => {
    fc.assert(
      fc.property(
        record.chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(Object.keys(ids), { minLength: Object.keys(ids).length }))),
        salt,
        ([ids, order], s) => {
          const reordered = Object.fromEntries(order.map((k) => [k, ids[k] ?? ""]));
          expect(openPseudonymiserDigest(reordered, { salt: s })).toBe(openPseudonymiserDigest(ids, { salt: s }));
        },
      ),
    );
  });

  it("ignores spaces, tabs, CR and LF anywhere in the identifiers", () => {
    const blanks = fc.array(fc.constantFrom(" ", "\t", "\r", "\n"), { maxLength: 4 }).map((a) => a.join(""));
    fc.assert(
      fc.property(record, salt, fc.infiniteStream(fc.tuple(blanks, blanks)), (ids, s, pads) => {
        const padded: Record<string, string> = {};
        for (const [k, v] of Object.entries(ids)) {
          const [before, after] = pads.next().value as [string, string];
          const middle = v.length > 0 ? `${v.slice(0, 1)}${after}${v.slice(1)}` : v;
          padded[k] = `${before}${middle}${after}`;
        }
        expect(openPseudonymiserDigest(padded, { salt: s })).toBe(openPseudonymiserDigest(ids, { salt: s }));
      }),
    );
  });

  it("keeps blanks inside the salt", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,8}$/), (s) => {
        expect(openPseudonymiserDigest({ a: "x" }, { salt: ` ${s}` })).not.toBe(openPseudonymiserDigest({ a: "x" }, { salt: s }));
      }),
    );
  });

  it("is the same as the direct SHA-256 of sorted values + salt for plain headings", () => {
    fc.assert(
      fc.property(record, salt, (ids, s) => {
        const keys = Object.keys(ids).sort((a, b) => a.localeCompare(b, "en-GB"));
        const expected = sha256Upper(
          keys
            .map((k) => ids[k])
            .join("")
            .replace(/[ \t\r\n]/g, "") + s,
        );
        expect(openPseudonymiserDigest(ids, { salt: s })).toBe(expected);
      }),
    );
  });
});

describe("createPseudonymiser", () => {
  it("gives the same digests as openPseudonymiserDigest, whatever order the headings arrive in", () => {
    const bound = createPseudonymiser({ salt: "s" });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[A-Za-z_]{1,8}$/), fc.string({ maxLength: 10 }), { maxKeys: 5 }), (ids) => {
        const reversed = Object.fromEntries(Object.entries(ids).reverse());
        expect(bound(ids)).toBe(openPseudonymiserDigest(ids, { salt: "s" }));
        expect(bound(reversed)).toBe(openPseudonymiserDigest(ids, { salt: "s" }));
      }),
    );
  });
});

describe("empty-identifier digests", () => {
  it("is the digest of the salt alone, however many blank columns there are", () => {
    expect(emptyIdentifierDigest("pepper")).toBe(sha256Upper("pepper"));
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[ \t\r\n]{0,4}$/), { maxKeys: 5 }),
        fc.string({ minLength: 1, maxLength: 20 }),
        (blankIds, s) => {
          expect(isEmptyIdentifierDigest(openPseudonymiserDigest(blankIds, { salt: s }), s)).toBe(true);
          expect(isEmptyIdentifierDigest(openPseudonymiserDigest(blankIds, { salt: s }).toLowerCase(), s)).toBe(true);
        },
      ),
    );
  });

  it("is false for real identifiers, other salts and non-digests", () => {
    expect(isEmptyIdentifierDigest(openPseudonymiserDigest({ a: "1" }, { salt: "s" }), "s")).toBe(false);
    expect(isEmptyIdentifierDigest(emptyIdentifierDigest("s"), "t")).toBe(false);
    expect(isEmptyIdentifierDigest("not a digest", "s")).toBe(false);
  });
});

describe("digest comparison", () => {
  it("compares case-insensitively and only real digests", () => {
    const d = openPseudonymiserDigest({ a: "1" }, { salt: "s" });
    expect(digestsEqual(d, d.toLowerCase())).toBe(true);
    expect(isDigest(d.slice(1))).toBe(false);
    expect(digestsEqual(d.slice(1), d.slice(1))).toBe(false);
  });
});
