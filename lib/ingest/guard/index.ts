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
} from "@/lib/ingest/guard/detectors";
export {
  IDENTIFIER_RULES,
  IDENTIFIER_RULE_DESCRIPTIONS,
  IdentifierGuard,
  headerColumnLabel,
  type GuardColumn,
  type GuardOptions,
  type IdentifierFinding,
  type IdentifierRule,
} from "@/lib/ingest/guard/guard";
export { FORENAMES, SURNAMES } from "@/lib/ingest/guard/names";
