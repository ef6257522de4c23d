import "server-only";

export { ReleaseError, isReleaseError, type ReleaseErrorCode } from "./errors";
export { releaseLabel } from "./check";
export {
  addOutput,
  createDraft,
  getRequest,
  listRequests,
  newVersion,
  outputCatalogue,
  removeOutput,
  reviewRequest,
  submitRequest,
  type Decision,
  type RequestDetail,
  type RequestSummary,
  type ReviewOutcome,
} from "./workflow";
export { NOT_APPROVED, unapprovedExport } from "./export";
export { releaseRegister, releasedFile, withdrawRelease, type RegisterEntry } from "./publish";
export { AUDIENCE_LABELS, type Actor, type Audience, type CheckReport, type OutputCheck, type RequestStatus } from "./types";
export { listApprovalRules, setApprovalRule, type ApprovalRule } from "./rules";
