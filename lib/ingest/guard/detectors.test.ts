import { describe, expect, it } from "vitest";
import {
  containsEmail,
  containsFullDate,
  containsNhsNumber,
  containsStreetAddress,
  containsUkPhoneNumber,
  containsUkPostcode,
  FORENAMES,
  isUkPostcode,
  looksLikePersonalName,
  looksLikeUnpseudonymisedKey,
  nhsChecksumValid,
  SURNAMES,
} from "@/lib/ingest/guard";

const KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

describe("UK postcodes", () => {
  it.each(["CM16 5HW", "cm165hw", "SS14 1AB", "GIR 0AA", "GIR0AA", "SW1A 1AA", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"])(
    "recognises %s",
    (p) => {
      expect(isUkPostcode(p)).toBe(true);
      expect(containsUkPostcode(`12 High St, Basildon ${p}`)).toBe(true);
    },
  );

  it.each(["CM16", "SS14", "Q1 1AA", "SS14 1CA", "ABC 123", "VANGE-01", "2016-H1", "115000", KEY, "B14"])("does not flag %s", (p) => {
    expect(isUkPostcode(p)).toBe(false);
    expect(containsUkPostcode(p)).toBe(false);
  });
});

describe("NHS numbers", () => {
  it("checks the modulus 11 check digit", () => {
    expect(nhsChecksumValid("9434765919")).toBe(true);
    expect(nhsChecksumValid("9434765918")).toBe(false);
    expect(nhsChecksumValid("4010232137")).toBe(true);
    // Remainder 1 gives check digit 10: never a valid NHS number.
    expect(nhsChecksumValid("0000000060")).toBe(false);
  });

  it.each(["9434765919", "943 476 5919", "943-476-5919", "NHS no 943 476 5919"])("finds %s", (v) => {
    expect(containsNhsNumber(v)).toBe(true);
  });

  it.each(["9434765918", "94347659190", "943 4765 919", "115000", "2016-01-04", KEY])("does not flag %s", (v) => {
    expect(containsNhsNumber(v)).toBe(false);
  });
});

describe("full dates", () => {
  it.each([
    "2011-03-12",
    "12/03/2011",
    "12-03-2011",
    "12.03.2011",
    "1/3/11",
    "12 March 2011",
    "12-Mar-2011",
    "12th Mar 2011",
    "20110312",
    "2011-03-12T00:00:00",
    "2011-03-12 00:00",
  ])("finds %s", (v) => expect(containsFullDate(v)).toBe(true));

  it.each(["2011-03", "03/2011", "2011", "2011-13-01", "2011-02-30", "March 2011", "2016-H1"])("does not flag %s", (v) =>
    expect(containsFullDate(v)).toBe(false),
  );
});

describe("e-mail addresses", () => {
  it("finds e-mail addresses", () => {
    expect(containsEmail("jane.doe@example.org")).toBe(true);
    expect(containsEmail("contact: j_smith+x@mail.essex.gov.uk")).toBe(true);
  });
  it("ignores @ without an address", () => {
    expect(containsEmail("@SUM(A1)")).toBe(false);
    expect(containsEmail("a@b")).toBe(false);
  });
});

describe("UK phone numbers", () => {
  it.each([
    "01268 533333",
    "01268533333",
    "+44 1268 533333",
    "+44 (0)1268 533333",
    "0044 1268 533333",
    "07700 900123",
    "(01268) 533333",
    "020 7946 0018",
    "tel 07700-900-123",
  ])("finds %s", (v) => expect(containsUkPhoneNumber(v)).toBe(true));
  it.each(["12345", "2016-01-04", "115000", "9999999999.99", KEY, "1268533333", "0126853"])("does not flag %s", (v) =>
    expect(containsUkPhoneNumber(v)).toBe(false),
  );
});

describe("street addresses", () => {
  it.each(["12 High Street", "Flat 3, 45 Church Road", "221B Baker Street", "7 St Johns Close", "1, Long Lane", "14 The Green"])("finds %s", (v) =>
    expect(containsStreetAddress(v)).toBe(true),
  );
  it.each(["2 way", "12", "social_rented", "12 months", "High Street", "violence_against_person"])("does not flag %s", (v) =>
    expect(containsStreetAddress(v)).toBe(false),
  );
});

describe("personal names", () => {
  it("ships a few hundred forenames and surnames", () => {
    expect(FORENAMES.length).toBeGreaterThan(300);
    expect(SURNAMES.length).toBeGreaterThan(300);
    expect(new Set(FORENAMES).size).toBe(FORENAMES.length);
    expect(new Set(SURNAMES).size).toBe(SURNAMES.length);
  });

  it.each(["John Smith", "JOHN SMITH", "Smith, John", "Mrs Sarah Jones", "Oliver James Brown", "Mr. Mohammed Khan", "Siobhan O'Brien"])(
    "finds %s",
    (v) => expect(looksLikePersonalName(v)).toBe(true),
  );

  it.each(["Private Rented", "social_rented", "high", "Smith", "Rose", "standard risk", "Basildon Vange", "2016 Smith"])(
    "does not flag %s in an ordinary cell",
    (v) => expect(looksLikePersonalName(v)).toBe(false),
  );

  it("accepts a lone known name where a single name is meaningful (key columns)", () => {
    expect(looksLikePersonalName("Smith", { singleToken: true })).toBe(true);
    expect(looksLikePersonalName("Olivia", { singleToken: true })).toBe(true);
    expect(looksLikePersonalName("Qwerty", { singleToken: true })).toBe(false);
  });
});

describe("key cells that are not pseudonyms", () => {
  it.each(["100090123456", "ABC123", "case 42", "Flat 3"])("flags %s", (v) => expect(looksLikeUnpseudonymisedKey(v)).toBe(true));
  it.each([KEY, KEY.slice(1), "d41d8cd98f00b204e9800998ecf8427e", "", "N/A", "NULL", "-"])("does not flag %j", (v) =>
    expect(looksLikeUnpseudonymisedKey(v)).toBe(false),
  );
});
