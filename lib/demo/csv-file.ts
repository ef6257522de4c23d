import "server-only";
import { createWriteStream, type WriteStream } from "node:fs";
import { CSV_EOL, csvRow } from "@/lib/csv";
import type { Row } from "./columns";

export interface CsvFileOptions {
  /** Literal header cells, when they differ from the column names (quirks: case, spaces). */
  header?: readonly string[];
  bom?: boolean;
  eol?: "\r\n" | "\n";
}

const CHUNK = 1 << 16;

/**
 * Push-style CSV file: the generator feeds several files from one pass over the households, so rows are
 * pushed as they are made and the loop awaits `drain()` to respect back-pressure; nothing is kept beyond
 * one 64 KiB chunk per file.
 */
export class CsvFile {
  /** Line number of the last line written; the header is line 1. */
  line = 0;
  rows = 0;
  private buffer = "";
  private readonly stream: WriteStream;
  /** Set when the stream asked us to wait; created at that moment so the event cannot be missed. */
  private drained: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    readonly path: string,
    private readonly columns: readonly string[],
    private readonly options: CsvFileOptions = {},
  ) {
    this.stream = createWriteStream(path, { encoding: "utf8" });
    this.stream.on("error", (error) => {
      this.failure = error;
    });
    this.buffer = (options.bom ? "\uFEFF" : "") + this.encode(options.header ?? columns);
    this.line = 1;
  }

  private encode(values: readonly string[]): string {
    const text = csvRow(values);
    return this.options.eol === "\n" ? text.slice(0, -CSV_EOL.length) + "\n" : text;
  }

  /** Writes one row by column name (missing columns are empty) and returns its line number. */
  write(row: Row): number {
    this.buffer += this.encode(this.columns.map((c) => row[c] ?? ""));
    this.rows++;
    this.line++;
    if (this.buffer.length >= CHUNK) this.push();
    return this.line;
  }

  private push(): void {
    if (!this.stream.write(this.buffer) && this.drained === null) {
      this.drained = new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.stream.off("error", reject);
          resolve();
        };
        this.stream.once("drain", onDrain);
        this.stream.once("error", reject);
      });
    }
    this.buffer = "";
  }

  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.drained === null) return;
    await this.drained;
    this.drained = null;
  }

  async close(): Promise<void> {
    if (this.buffer.length > 0) this.push();
    await new Promise<void>((resolve, reject) => {
      this.stream.once("error", reject);
      this.stream.end(() => resolve());
    });
    if (this.failure) throw this.failure;
  }
}
