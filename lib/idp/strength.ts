import "server-only";
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";

// How guessable a password is, by zxcvbn (decision 084): it recognises dictionary words, names,
// keyboard walks, repeats, sequences, dates and l33t spellings, and the words it is given as
// "user inputs" (the person's and organisations' names), and estimates the guesses needed.
// Length rules and deny lists alone let `Basildon2024!` and `aaaaaaaaaaaa` through.

/** At least 10^10 guesses (zxcvbn's top score): out of reach online, and slow offline against argon2id. */
export const MIN_GUESSES_LOG10 = 10;

// zxcvbn's cost grows with the length; past this the estimate is at its top score anyway.
const ESTIMATE_CHARS = 100;

let factory: ZxcvbnFactory | undefined;
function estimator(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    // Levenshtein matching against the whole dictionary costs seconds per check; the deny list
    // and the stems in policy.ts catch near-misses of common passwords instead.
    useLevenshteinDistance: false,
  });
  return factory;
}

/** Why a password was judged weak, in words the person can act on. */
export type WeaknessReason = "identity" | "repeat" | "sequence" | "date" | "keyboard" | "common" | "word" | "other";

export interface StrengthVerdict {
  strong: boolean;
  guessesLog10: number;
  reason: WeaknessReason | null;
}

// zxcvbn's warning keys (the untranslated ones: no translations are loaded) by reason.
const REASONS: Record<string, WeaknessReason> = {
  userInputs: "identity",
  simpleRepeat: "repeat",
  extendedRepeat: "repeat",
  sequences: "sequence",
  recentYears: "date",
  dates: "date",
  straightRow: "keyboard",
  keyPattern: "keyboard",
  topTen: "common",
  topHundred: "common",
  common: "common",
  similarToCommon: "common",
  pwned: "common",
  wordByItself: "word",
  namesByThemselves: "word",
  commonNames: "word",
};

/** The words of names and e-mail addresses, as zxcvbn matches inputs whole. */
export function userInputWords(values: readonly (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const v of values) {
    if (!v) continue;
    const lower = v.toLowerCase();
    words.add(lower);
    for (const w of lower.split(/[^\p{L}\p{N}]+/u)) if ([...w].length >= 3) words.add(w);
  }
  return [...words];
}

/**
 * The estimate for the password as typed and with its separators taken out, whichever is
 * weaker: zxcvbn prices "-Police-" as random characters, where an attacker's rules try
 * "word-word-year" shapes first ("Essex-Police-2024" would otherwise pass).
 */
export function estimateStrength(password: string, userInputs: readonly string[]): StrengthVerdict {
  const text = [...password].slice(0, ESTIMATE_CHARS).join("");
  const variants = [text, text.replace(/[\s\p{P}\p{S}]+/gu, "")].filter((v, i, all) => v.length > 0 && all.indexOf(v) === i);
  const results = variants.map((v) => estimator().check(v, [...userInputs]));
  const weakest = results.reduce((a, b) => (b.guessesLog10 < a.guessesLog10 ? b : a));
  const strong = weakest.guessesLog10 >= MIN_GUESSES_LOG10;
  if (strong) return { strong, guessesLog10: weakest.guessesLog10, reason: null };
  // A name the estimate was given is the most useful thing to point at; zxcvbn warns about it
  // only when it is the whole password.
  const usesName = weakest.sequence.some((m) => (m as { dictionaryName?: string }).dictionaryName === "userInputs");
  const warning = weakest.feedback.warning ?? results.find((r) => r.feedback.warning)?.feedback.warning ?? "";
  return { strong, guessesLog10: weakest.guessesLog10, reason: usesName ? "identity" : (REASONS[warning] ?? "other") };
}
