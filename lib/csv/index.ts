import "server-only";

export { CSV_EOL, csvCell, csvDocument, csvLines, csvRow, csvStream, neutraliseFormula, type CsvValue, type CsvWriteOptions } from "@/lib/csv/writer";
