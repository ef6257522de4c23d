import { FORENAMES, SURNAMES } from "@/lib/ingest/guard/names";

/*
 * Detectors of un-pseudonymised identifiers. Each answers "does this cell contain
 * one?" and never returns the match itself: callers must not be able to leak the
 * value into a report by accident.
 */

/* ---------- UK postcodes ---------- */

// Royal Mail formats A9, A99, AA9, AA99, A9A, AA9A + inward 9AA, with the letters
// each position may take, plus the special GIR 0AA. Space optional.
const OUTWARD = "(?:[A-PR-UWYZ](?:\\d{1,2}|[A-HK-Y]\\d{1,2}|\\d[A-HJKPSTUW]|[A-HK-Y]\\d[ABEHMNPRV-Y]))";
const INWARD = "\\d[ABD-HJLNP-UW-Z]{2}";
const POSTCODE_SOURCE = `(?:GIR ?0AA|${OUTWARD} ?${INWARD})`;
const POSTCODE_WHOLE = new RegExp(`^${POSTCODE_SOURCE}$`, "i");
const POSTCODE_INSIDE = new RegExp(`(?<![A-Za-z0-9])${POSTCODE_SOURCE}(?![A-Za-z0-9])`, "i");

export function isUkPostcode(text: string): boolean {
  return POSTCODE_WHOLE.test(text.trim());
}

export function containsUkPostcode(text: string): boolean {
  return POSTCODE_INSIDE.test(text);
}

/* ---------- NHS numbers ---------- */

/** Modulus 11 check of a 10-digit NHS number (weights 10..2; check 11 -> 0; 10 is invalid). */
export function nhsChecksumValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === Number(digits[9]);
}

const NHS_INSIDE = /(?<![A-Za-z0-9])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![A-Za-z0-9])/g;

/** A 10-digit number (optionally 3-3-4 with spaces or hyphens) with a valid check digit. */
export function containsNhsNumber(text: string): boolean {
  NHS_INSIDE.lastIndex = 0;
  for (let m = NHS_INSIDE.exec(text); m !== null; m = NHS_INSIDE.exec(text)) {
    if (nhsChecksumValid(`${m[1]}${m[3]}${m[4]}`)) return true;
  }
  return false;
}

/* ---------- full dates ---------- */

const MONTH_NAMES =
  "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const MONTH_INDEX: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

const DATE_FORMS: readonly { re: RegExp; order: "ymd" | "dmy" | "dMy" }[] = [
  // 2011-03-12, 2011/03/12, 2011.03.12, optionally with a time (spreadsheet exports)
  { re: /(?<!\d)(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?(?!\d)/, order: "ymd" },
  // 12/03/2011, 12-03-2011, 12.03.2011, 12/03/11
  { re: /(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/, order: "dmy" },
  // 12 March 2011, 12-Mar-2011, 12th Mar 11
  { re: new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?[ -]?(${MONTH_NAMES})(?![a-z])\\.?[ ,-]*(\\d{4}|\\d{2})(?!\\d)`, "i"), order: "dMy" },
  // 20110312
  { re: /(?<!\d)((?:19|20)\d{2})()(\d{2})(\d{2})(?!\d)/, order: "ymd" },
];

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= days[month - 1]!;
}

/** A day-precision date in any common notation (ISO, UK numeric, with month names, YYYYMMDD). */
export function containsFullDate(text: string): boolean {
  for (const { re, order } of DATE_FORMS) {
    const m = re.exec(text);
    if (!m) continue;
    let year: number;
    let month: number;
    let day: number;
    if (order === "ymd") {
      year = Number(m[1]);
      month = Number(m[3]);
      day = Number(m[4]);
    } else if (order === "dmy") {
      day = Number(m[1]);
      month = Number(m[3]);
      year = Number(m[4]!.length === 2 ? `20${m[4]}` : m[4]);
    } else {
      day = Number(m[1]);
      month = MONTH_INDEX[m[2]!.slice(0, 3).toLowerCase()]!;
      year = Number(m[3]!.length === 2 ? `20${m[3]}` : m[3]);
    }
    if (validDay(year, month, day)) return true;
  }
  return false;
}

/* ---------- e-mail ---------- */

const EMAIL_INSIDE = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;

export function containsEmail(text: string): boolean {
  return text.includes("@") && EMAIL_INSIDE.test(text);
}

/* ---------- UK phone numbers ---------- */

// Candidate runs of digits with the separators people type; verified after stripping.
const PHONE_CANDIDATE = /(?<![A-Za-z0-9])(?:\+|\(?00)?[\d()][\d\s().-]{8,18}\d(?![A-Za-z0-9])/g;
const PHONE_NORMALISED = /^(?:(?:\+|00)44(?:\(?0\)?)?|0)[1-9]\d{8,9}$/;

export function isUkPhoneNumber(text: string): boolean {
  return PHONE_NORMALISED.test(text.replace(/[\s().-]/g, ""));
}

export function containsUkPhoneNumber(text: string): boolean {
  PHONE_CANDIDATE.lastIndex = 0;
  for (let m = PHONE_CANDIDATE.exec(text); m !== null; m = PHONE_CANDIDATE.exec(text)) {
    const normalised = m[0].replace(/[\s().-]/g, "").replace(/^(\+|00)44\(?0\)?/, "$144");
    if (PHONE_NORMALISED.test(normalised)) return true;
  }
  return false;
}

/* ---------- street addresses ---------- */

const STREET_SUFFIXES = [
  "road",
  "rd",
  "street",
  "st",
  "avenue",
  "ave",
  "av",
  "close",
  "cl",
  "lane",
  "ln",
  "way",
  "drive",
  "dr",
  "crescent",
  "cres",
  "court",
  "ct",
  "place",
  "pl",
  "gardens",
  "gdns",
  "grove",
  "gr",
  "terrace",
  "terr",
  "tce",
  "hill",
  "park",
  "square",
  "sq",
  "mews",
  "walk",
  "rise",
  "view",
  "row",
  "green",
  "parade",
  "pde",
  "chase",
  "mead",
  "meadow",
  "meadows",
  "gate",
  "vale",
  "fields",
  "wharf",
  "yard",
  "heights",
  "boulevard",
  "broadway",
  "circus",
  "embankment",
  "esplanade",
  "hollow",
  "path",
  "passage",
  "approach",
  "link",
  "croft",
  "end",
  "wood",
  "common",
];
const STREET_ADDRESS = new RegExp(
  `(?<![A-Za-z0-9])\\d{1,4}[A-Za-z]?,?\\s+(?:[A-Za-z'.-]+\\s+){1,4}(?:${STREET_SUFFIXES.join("|")})(?![A-Za-z])`,
  "i",
);
const FLAT_PREFIX = /(?<![A-Za-z])(?:flat|apartment|apt|unit|maisonette)\s*\d+[A-Za-z]?\b/i;

/** House number, one to four words and a street suffix ("12 High Street"), or "Flat 3". */
export function containsStreetAddress(text: string): boolean {
  return STREET_ADDRESS.test(text) || FLAT_PREFIX.test(text);
}

/* ---------- personal names ---------- */

const FORENAME_SET = new Set(FORENAMES);
const SURNAME_SET = new Set(SURNAMES);
const TITLES = new Set(["mr", "mrs", "ms", "miss", "mx", "dr", "master", "rev", "sir", "dame"]);
const NAME_TOKEN = /^[a-z][a-z'-]*$/;

function nameTokens(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s,]+/)
    .map((t) => t.replace(/\.$/, ""))
    .filter((t) => t.length > 0 && !TITLES.has(t));
}

/**
 * "Forename Surname" (optionally with middle names or a title), or "Surname, Forename".
 * With `singleToken`, one known forename or surname on its own also counts (key
 * columns, or columns whose header says they hold names).
 */
export function looksLikePersonalName(text: string, options: { singleToken?: boolean } = {}): boolean {
  if (text.length > 80) return false;
  const tokens = nameTokens(text);
  if (tokens.length === 0 || tokens.length > 5 || !tokens.every((t) => NAME_TOKEN.test(t))) return false;
  if (tokens.length === 1) return options.singleToken === true && (FORENAME_SET.has(tokens[0]!) || SURNAME_SET.has(tokens[0]!));
  const first = tokens[0]!;
  const last = tokens[tokens.length - 1]!;
  if (FORENAME_SET.has(first) && SURNAME_SET.has(last)) return true;
  return text.includes(",") && SURNAME_SET.has(first) && FORENAME_SET.has(tokens[1]!);
}

/* ---------- key columns ---------- */

/** Hex of digest-like length: a broken pseudonym (wrong length or algorithm), never an identifier. */
export function looksLikeDigest(text: string): boolean {
  const t = text.trim();
  return t.length >= 32 && HEXISH.test(t);
}

const PLACEHOLDERS = new Set(["null", "n/a", "na", "none", "unknown", "-", "--", "?", "0", "nil", "missing", "#n/a"]);
const HEXISH = /^[0-9a-f]+$/i;

/**
 * A key cell that is not a pseudonym but is also not a recognisable identifier kind:
 * true for anything except placeholders and hex strings of digest-like length, which
 * are a broken export (truncated, or MD5/SHA-512 instead of SHA-256), not a leak.
 * Short numbers are included on purpose: in `address_key` they are typically UPRNs,
 * in `person_key` a local case number; both identify.
 */
export function looksLikeUnpseudonymisedKey(text: string): boolean {
  const t = text.trim();
  if (t === "" || PLACEHOLDERS.has(t.toLowerCase())) return false;
  return !looksLikeDigest(t);
}
