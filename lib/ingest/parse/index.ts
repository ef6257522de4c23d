import "server-only";

export {
  DEFAULT_LIMITS,
  validateCsv,
  validateCsvStream,
  type CsvInput,
  type RowBatch,
  type ValidateCsvOptions,
  type ValidateOptions,
  type ValidationRun,
} from "@/lib/ingest/parse/validate";
export {
  FILE_ERROR_CODES,
  WHOLE_ROW,
  summariseReport,
  type ErrorGroup,
  type FileError,
  type FileErrorCode,
  type IdentifierFinding,
  type RowError,
  type RowErrorRule,
  type ValidationReport,
  type ValidationStatus,
} from "@/lib/ingest/parse/errors";
export { analyseHeader, normaliseHeader, resemblance, type HeaderAnalysis, type Resemblance } from "@/lib/ingest/parse/header";
export { ERROR_REPORT_COLUMNS, errorReportCsvLines, errorReportCsvStream, errorReportRows } from "@/lib/ingest/parse/report-csv";
export { firstInvalidUtf8, sniff } from "@/lib/ingest/parse/decode";
