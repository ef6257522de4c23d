import "server-only";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { sqlColumns, sqlTableName, type DatasetId } from "@/lib/datasets";

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Rows per COPY round: each round is moved into the dataset table while the next is parsed. */
const ROUND_ROWS = 200_000;
/**
 * Formatted lines waiting for the database before the parser is made to wait (back-pressure).
 * Measured on a 1 GB file: 32 MB let garbage pile up past the 300 MB memory budget (243–335 MB);
 * 8 MB kept it at 244–252 MB but starved the database of work (ratio 3.0); 16 MB gave 237–272 MB
 * at ratio 2.43–2.46 (docs/performance.md).
 */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/**
 * Loads a batch's rows inside the caller's transaction. COPY cannot write into a table under
 * row-level security, so rows are copied into a temporary table private to this transaction and
 * moved into the dataset table by INSERT … SELECT, which the organisation's policies check.
 *
 * The work runs in rounds so that the database and the parser overlap: while PostgreSQL moves one
 * round into the dataset table, the parser keeps formatting the next (queued, bounded). Nothing
 * is visible to anyone before the caller commits; a rollback removes every round.
 */
export class BatchLoader {
  private copy: ReturnType<typeof copyFrom> | null = null;
  private copyFailure: Error | null = null;
  private failure: unknown = null;
  private queue: { text: Buffer; rows: number }[] = [];
  private queuedBytes = 0;
  private rowsInRound = 0;
  private wake: (() => void) | null = null;
  private spaceWaiters: (() => void)[] = [];
  private ended = false;
  private readonly pumping: Promise<void>;
  private readonly columns: string;
  rowsQueued = 0;
  rowsPublished = 0;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly datasetId: DatasetId,
    private readonly batchId: string,
    private readonly orgId: string,
  ) {
    this.columns = sqlColumns(datasetId)
      .map((c) => c.quotedName)
      .join(", ");
    this.pumping = this.pump().catch((e: unknown) => {
      this.failure = e;
      for (const w of this.spaceWaiters.splice(0)) w();
    });
  }

  /** Creates the staging table. Call inside the load transaction, with the organisation's context set. */
  static async open(client: pg.PoolClient, datasetId: DatasetId, batchId: string, orgId: string): Promise<BatchLoader> {
    const columns = ["line_no", ...sqlColumns(datasetId).map((c) => c.quotedName)].join(", ");
    // WITH NO DATA reads no rows; it only borrows the dataset table's column types.
    await client.query(`CREATE TEMP TABLE ingest_staging ON COMMIT DROP AS SELECT ${columns} FROM ${q(sqlTableName(datasetId))} WITH NO DATA`);
    return new BatchLoader(client, datasetId, batchId, orgId);
  }

  /**
   * Queues `rows` rows of COPY text, each line starting with the row's physical line number and a
   * tab (the validator's `copyText`). Waits while too much is queued.
   */
  async add(text: Buffer, rows: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (rows === 0) return;
    this.queue.push({ text, rows });
    this.queuedBytes += text.length;
    this.rowsQueued += rows;
    this.wake?.();
    while (this.queuedBytes > MAX_QUEUED_BYTES && !this.failure) await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.failure) return;
      const next = this.queue.shift();
      if (!next) {
        if (this.ended) break;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      this.queuedBytes -= next.text.length;
      if (this.queuedBytes <= MAX_QUEUED_BYTES) for (const w of this.spaceWaiters.splice(0)) w();
      if (!this.copy) this.startCopy();
      await this.write(next.text);
      this.rowsInRound += next.rows;
      if (this.rowsInRound >= ROUND_ROWS) await this.endRound();
    }
    if (this.copy && !this.failure) await this.endRound();
  }

  private startCopy(): void {
    const stream = this.client.query(copyFrom(`COPY ingest_staging (line_no, ${this.columns}) FROM STDIN (FORMAT text)`));
    stream.on("error", (e: Error) => (this.copyFailure ??= e));
    this.copy = stream;
  }

  private async write(text: Buffer): Promise<void> {
    const copy = this.copy!;
    if (this.copyFailure) throw this.copyFailure;
    if (copy.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        copy.off("drain", onDrain);
        copy.off("error", done);
        if (e) reject(e);
        else resolve();
      };
      const onDrain = () => done();
      copy.once("drain", onDrain);
      copy.once("error", done);
    });
  }

  /** Ends the COPY round and moves its rows into the dataset table. */
  private async endRound(): Promise<void> {
    const copy = this.copy!;
    this.copy = null;
    await new Promise<void>((resolve, reject) => {
      if (this.copyFailure) return reject(this.copyFailure);
      copy.once("finish", () => resolve());
      copy.once("error", reject);
      copy.end();
    });
    const res = await this.client.query(
      `INSERT INTO ${q(sqlTableName(this.datasetId))} (batch_id, org_id, line_no, ${this.columns})
       SELECT $1::uuid, $2::uuid, line_no, ${this.columns} FROM ingest_staging`,
      [this.batchId, this.orgId],
    );
    this.rowsPublished += res.rowCount ?? 0;
    await this.client.query(`TRUNCATE ingest_staging`);
    this.rowsInRound = 0;
  }

  /** Sends what is left and waits until every queued row is in the dataset table; returns the row count. */
  async finish(): Promise<number> {
    this.ended = true;
    this.wake?.();
    await this.pumping;
    if (this.failure) throw this.failure;
    return this.rowsPublished;
  }

  /**
   * Stops loading (refusal, incident, error). Queued rows are dropped and a COPY in progress is
   * abandoned; the caller then rolls the transaction back, which undoes every round.
   */
  async abort(): Promise<void> {
    this.queue = [];
    this.queuedBytes = 0;
    this.failure ??= new Error("ingest aborted");
    this.ended = true;
    this.wake?.();
    for (const w of this.spaceWaiters.splice(0)) w();
    const copy = this.copy;
    if (copy && !copy.writableFinished) {
      await new Promise<void>((resolve) => {
        copy.once("error", () => resolve());
        copy.once("finish", () => resolve());
        copy.destroy(new Error("ingest aborted"));
        setTimeout(resolve, 5_000).unref();
      });
    }
    await this.pumping.catch(() => {});
  }
}
