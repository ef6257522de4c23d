import "server-only";

export { DisclosureError, isDisclosureError, type DisclosureErrorCode } from "./errors";
export { protectPublication, percentage } from "./protect";
export {
  NOT_APPLICABLE_SYMBOL,
  SUPPRESSED_SYMBOL,
  TOTAL_LABEL,
  chartSeries,
  formatValue,
  suppressionNote,
  tableNote,
  tableToCsv,
  type ChartPoint,
  type ChartSeries,
} from "./render";
export {
  DEFAULT_THRESHOLD,
  type Base,
  type CellValue,
  type Condition,
  type DimensionValue,
  type Measure,
  type ProtectedCell,
  type ProtectedPublication,
  type ProtectedTable,
  type ProtectionSummary,
  type PriorTable,
  type PublicationRequest,
  type SuppressionReason,
  type TableSpec,
  type UnitCell,
} from "./types";
