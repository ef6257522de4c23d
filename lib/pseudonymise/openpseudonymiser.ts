import { sha256HexUpper } from "./sha256";

/*
 * The OpenPseudonymiser digest (University of Nottingham), as partners produce it at source.
 *
 * Confirmed against the tool's published source, version 0.9.7 (GitHub mirror drcjar/OpenPseudonymiser):
 * - OpenPseudonymiser.Source.0.9.7/Crypto/Crypto.cs, GetDigest(SortedList<string,string>): the selected
 *   columns' values are concatenated in the SortedList's key order (the column headings), RemoveBlanks()
 *   strips '\r', '\n', '\t' and ' ' from that concatenation, and only THEN is the salt appended, so the
 *   salt itself is never stripped. A null or "" salt throws ("Salt cannot be a blank string").
 * - Crypto/CryptHelper.cs, sha256encrypt(): UTF-8 bytes, SHA-256, each byte formatted "X2", so the digest
 *   is 64 UPPERCASE hex characters. The input values are not case-folded.
 * - OpenPseudonymiserApp/Processor.cs: the SortedList is keyed by the CSV column heading; the output
 *   column is headed "Digest". ProcessNHSNumber() (trim, keep ASCII digits only) is applied to the one
 *   column the user marks as the NHS number, and only when NHS-number validation is switched on.
 * - OpenP.CryptoLib.Java-source.0.9.7/test/OpenPseudonymiser/CryptoTest.java: the published vector
 *   {NHSNumber: "943 476 5919", DOB: "29.11.1973"} with salt "mackerel" gives
 *   ED72F814B7905F3D3958749FA90FE657C101EC657402783DB68CBE3513E76087 (our tests reproduce it).
 * - openpseudonymiser.org FAQ: "123456789" with salt "hello" gives a4455e65...deedfe, i.e. salt appended.
 *
 * Where the two published implementations differ we follow the desktop tool, which is what the Essex
 * agreement names:
 * - Heading order. .NET's SortedList<string,...> uses the culture-sensitive string comparer, i.e.
 *   alphabetical ignoring case first, lowercase before uppercase only on a tie. The Java port instead
 *   swaps the case of every heading and sorts by code unit (its comment: "to make sort order match
 *   .net"), which agrees for headings that share a case pattern but not in general. "java" order is
 *   offered so a partner who used the Java library can be reproduced.
 * - Salt. The Java port trims the salt; the desktop tool uses it verbatim. We use it verbatim.
 * The public material does not say which culture the desktop tool ran under; we use en-GB collation.
 * NLS (the .NET Framework collation) ignores hyphens and apostrophes in word sort, ICU does not; that
 * only matters for headings that differ by a hyphen, which the data spec never uses.
 *
 * Concatenation has no separator (a property of the tool, not of this port): {a:"12", b:"3"} and
 * {a:"1", b:"23"} share a digest.
 */

export type HeadingOrder = "culture" | "java";

export interface DigestOptions {
  /** The secret key held by the source organisation. Used verbatim; must not be empty. */
  salt: string;
  /** Heading of the column the user marked as NHS number: trimmed and reduced to ASCII digits first. */
  nhsNumberHeading?: string;
  headingOrder?: HeadingOrder;
}

const DIGEST_PATTERN = /^[0-9A-Fa-f]{64}$/;
const BLANKS = /[ \t\r\n]/g;
const cultureCollator = new Intl.Collator("en-GB", { usage: "sort", sensitivity: "variant" });

function compareCulture(a: string, b: string): number {
  // Ties between strings the collator considers equal fall back to code-unit order so the result is total.
  return cultureCollator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

function swapCase(s: string): string {
  let out = "";
  for (const ch of s) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    out += ch === upper && ch !== lower ? lower : ch === lower && ch !== upper ? upper : ch;
  }
  return out;
}

function compareJava(a: string, b: string): number {
  const x = swapCase(a);
  const y = swapCase(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sortHeadings(headings: readonly string[], order: HeadingOrder = "culture"): string[] {
  return [...headings].sort(order === "java" ? compareJava : compareCulture);
}

/** The tool's ProcessNHSNumber: trim, then keep only the ASCII digits 0-9. */
export function processNhsNumber(value: string): string {
  return value.trim().replace(/[^0-9]/g, "");
}

/** The tool's RemoveBlanks: only space, tab, CR and LF; other Unicode whitespace is kept. */
export function removeBlanks(value: string): string {
  return value.replace(BLANKS, "");
}

function assertSalt(salt: string): void {
  if (typeof salt !== "string" || salt === "") {
    throw new Error("OpenPseudonymiser salt must be a non-empty string");
  }
}

function hashInput(identifiers: Readonly<Record<string, string>>, headings: readonly string[], options: DigestOptions): string {
  let concatenated = "";
  for (const heading of headings) {
    const raw = identifiers[heading] ?? "";
    concatenated += heading === options.nhsNumberHeading ? processNhsNumber(raw) : raw;
  }
  return removeBlanks(concatenated) + options.salt;
}

/*
 * No node:crypto here: this module runs unchanged in the browser's Web Worker, on the server and in
 * the CLI, so every digest the platform computes or checks comes from one implementation (./sha256).
 */
const sha256Upper = sha256HexUpper;

/** The exact string that is hashed, exposed so tests and diagnostics can show it. */
export function digestInput(identifiers: Readonly<Record<string, string>>, options: DigestOptions): string {
  assertSalt(options.salt);
  return hashInput(identifiers, sortHeadings(Object.keys(identifiers), options.headingOrder), options);
}

export function openPseudonymiserDigest(identifiers: Readonly<Record<string, string>>, options: DigestOptions): string {
  return sha256Upper(digestInput(identifiers, options));
}

/**
 * Binds the salt once and remembers the heading order per set of headings: the demo generator hashes
 * hundreds of thousands of rows that all share the same few column sets.
 */
export function createPseudonymiser(options: DigestOptions): (identifiers: Readonly<Record<string, string>>) => string {
  assertSalt(options.salt);
  const orders = new Map<string, string[]>();
  return (identifiers) => {
    const keys = Object.keys(identifiers);
    const signature = keys.join("\u0000");
    let headings = orders.get(signature);
    if (headings === undefined) {
      headings = sortHeadings(keys, options.headingOrder);
      orders.set(signature, headings);
    }
    return sha256Upper(hashInput(identifiers, headings, options));
  };
}

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

/** Digests are compared case-insensitively: the tool writes uppercase, partners' tooling may not. */
export function digestsEqual(a: string, b: string): boolean {
  return isDigest(a) && isDigest(b) && a.toUpperCase() === b.toUpperCase();
}

/**
 * What every row with blank identifiers hashes to: with nothing to concatenate (or only blanks, which are
 * stripped) the tool hashes the salt alone, whatever the number of columns.
 */
export function emptyIdentifierDigest(salt: string): string {
  return openPseudonymiserDigest({}, { salt });
}

/**
 * True when a key is the digest of empty identifiers under this salt: such keys all collide, so they
 * would falsely link every record whose identifiers were missing at source.
 */
export function isEmptyIdentifierDigest(digest: string, salt: string): boolean {
  return digestsEqual(digest, emptyIdentifierDigest(salt));
}
