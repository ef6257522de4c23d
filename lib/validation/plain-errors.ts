import { z } from "zod";

// Every form of the portal shows zod's messages to people. A schema names its own message where it
// can; anything it forgot gets one of these plain sentences instead of zod's defaults ("Invalid
// input: expected number, received NaN"). Importing this module installs them for the process.

type Issue = z.core.$ZodRawIssue;

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === "string" && v.trim() === "");
}

export function plainMessage(issue: Issue): string {
  const i = issue as Issue & {
    expected?: string;
    minimum?: number | bigint;
    maximum?: number | bigint;
    origin?: string;
    format?: string;
    input?: unknown;
  };
  switch (i.code) {
    case "invalid_type":
      if (isEmpty(i.input)) return "Enter a value";
      if (i.expected === "int") return "Enter a whole number, using digits only";
      if (i.expected === "number" || i.expected === "bigint") return "Enter a number, using digits only";
      if (i.expected === "boolean") return "Choose yes or no";
      return "Enter a value in the form asked for";
    case "too_small":
      if (i.origin === "string") return i.minimum === 1 ? "Enter a value" : `Enter at least ${i.minimum} characters`;
      if (i.origin === "array" || i.origin === "set") return `Choose at least ${i.minimum}`;
      return `Enter a number of ${i.minimum} or more`;
    case "too_big":
      if (i.origin === "string") return `Enter ${i.maximum} characters or fewer`;
      if (i.origin === "array" || i.origin === "set") return `Choose at most ${i.maximum}`;
      return `Enter a number of ${i.maximum} or less`;
    case "invalid_format":
      if (i.format === "email") return "Enter an e-mail address like name@example.org";
      if (i.format === "uuid") return "Choose one of the options offered";
      if (i.format === "date") return "Enter a real date as YYYY-MM-DD, like 2016-03-31";
      return "Enter it in the form shown in the hint";
    case "invalid_value":
      return "Choose one of the options offered";
    case "not_multiple_of":
      return "Enter a number without extra decimals";
    case "unrecognized_keys":
      return "The form sent fields it does not have; reload the page and try again";
    default:
      return "Check this value and try again";
  }
}

z.config({ customError: (issue) => plainMessage(issue) });

/**
 * A zod error as a form's field errors: field name → the first message for it ("form" for an
 * issue about the whole input). The one helper every form uses.
 */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) out[String(issue.path[0] ?? "form")] ??= issue.message;
  return out;
}
