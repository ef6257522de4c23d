import "server-only";

export {
  containsEmail,
  containsFullDate,
  containsNhsNumber,
  containsStreetAddress,
  containsUkPhoneNumber,
  containsUkPostcode,
  isUkPhoneNumber,
  isUkPostcode,
  looksLikeDigest,
  looksLikePersonalName,
  looksLikeUnpseudonymisedKey,
  nhsChecksumValid,
} from "./detectors";
export {
  IDENTIFIER_RULES,
  IDENTIFIER_RULE_DESCRIPTIONS,
  IdentifierGuard,
  type GuardColumn,
  type GuardOptions,
  type IdentifierFinding,
  type IdentifierRule,
} from "./guard";
export { FORENAMES, SURNAMES } from "./names";
