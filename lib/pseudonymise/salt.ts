import { sha256HexUpper } from "./sha256";

/*
 * The salt (OpenPseudonymiser's "key") is the partners' shared secret. These helpers run where the
 * salt is: in the analyst's page and in the CLI. Nothing here stores or sends it.
 */

/**
 * The salt as read from a key file: a single line ending (LF or CRLF) that editors add is not part
 * of it; every other character, blanks included, is (the desktop tool uses the salt verbatim).
 */
export function saltFromFile(text: string): string {
  return text.replace(/^\uFEFF/, "").replace(/\r?\n$/, "");
}

/**
 * A short fingerprint partners read to each other to confirm they hold the same salt. It is a
 * separate, labelled hash (not a prefix of any digest the platform sees) and only 40 bits long, so
 * it cannot be used to test salts against the files.
 */
export function saltFingerprint(salt: string): string {
  const hex = sha256HexUpper(`essex-data-platform salt fingerprint v1\n${salt}`);
  return `${hex.slice(0, 5)}-${hex.slice(5, 10)}`;
}

export interface SaltWarning {
  readonly code: "empty" | "short" | "few-kinds" | "outer-blanks" | "repetitive";
  readonly message: string;
}

/** Reasons a salt is weak; empty when none is found. An empty salt is an error, not a warning. */
export function saltWarnings(salt: string): SaltWarning[] {
  if (salt === "") return [{ code: "empty", message: "Enter the salt: OpenPseudonymiser refuses an empty salt, and so does this page." }];
  const warnings: SaltWarning[] = [];
  const length = [...salt].length;
  if (length < 16) {
    warnings.push({
      code: "short",
      message: `The salt is ${length} characters long. Anyone holding a file could try every short salt: agree one of at least 16 characters, ideally 24 random ones.`,
    });
  }
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(salt)).length;
  if (kinds < 3 && length < 24) {
    warnings.push({
      code: "few-kinds",
      message: "The salt uses few kinds of characters: mix lowercase, uppercase, digits and symbols, or make it longer.",
    });
  }
  if (new Set(salt).size <= Math.max(2, length / 4)) {
    warnings.push({ code: "repetitive", message: "The salt repeats the same few characters: it is much easier to guess than its length suggests." });
  }
  if (/^\s|\s$/.test(salt)) {
    warnings.push({
      code: "outer-blanks",
      message:
        "The salt starts or ends with a blank. The desktop tool keeps it but the Java library trims it: partners using different tools would not match.",
    });
  }
  return warnings;
}
