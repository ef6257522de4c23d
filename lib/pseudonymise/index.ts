import "server-only";

export {
  createPseudonymiser,
  digestInput,
  digestsEqual,
  emptyIdentifierDigest,
  isDigest,
  isEmptyIdentifierDigest,
  openPseudonymiserDigest,
  processNhsNumber,
  removeBlanks,
  sortHeadings,
  type DigestOptions,
  type HeadingOrder,
} from "./openpseudonymiser";
