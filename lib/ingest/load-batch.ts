import "server-only";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { sqlColumns, sqlTableName, type DatasetId } from "@/lib/datasets";

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * COPY cannot write into a table under row-level security, so rows go first into a temporary
 * table private to this transaction, then into the dataset table with one INSERT … SELECT that
 * the organisation's policies check. Nothing is visible to anyone until the caller commits.
 */
export class StagingLoad {
  private copy: ReturnType<typeof copyFrom> | null = null;
  private failure: Error | null = null;
  private pending: string[] = [];
  private pendingLength = 0;
  rowsCopied = 0;

  private constructor(
    private readonly client: pg.PoolClient,
    readonly datasetId: DatasetId,
  ) {}

  /** Creates the staging table and opens the COPY stream. Call inside the load transaction. */
  static async open(client: pg.PoolClient, datasetId: DatasetId): Promise<StagingLoad> {
    const load = new StagingLoad(client, datasetId);
    const columns = ["line_no", ...sqlColumns(datasetId).map((c) => c.quotedName)].join(", ");
    // WITH NO DATA reads no rows; it only borrows the dataset table's column types.
    await client.query(`CREATE TEMP TABLE ingest_staging ON COMMIT DROP AS SELECT ${columns} FROM ${q(sqlTableName(datasetId))} WITH NO DATA`);
    const stream = client.query(copyFrom(`COPY ingest_staging (${columns}) FROM STDIN (FORMAT text)`));
    stream.on("error", (e: Error) => (load.failure ??= e));
    load.copy = stream;
    return load;
  }

  /**
   * Queues one COPY text line (from the datasets registry's formatter) for `lineNo`. Lines are
   * sent in ~256 KiB writes: one write per row would dominate the cost of a large file.
   */
  async add(lineNo: number, copyLine: string): Promise<void> {
    const line = `${lineNo}\t${copyLine}`;
    this.pending.push(line);
    this.pendingLength += line.length;
    this.rowsCopied++;
    if (this.pendingLength >= 262_144) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending.length === 0) return;
    const chunk = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    const copy = this.copy!;
    if (!copy.write(chunk)) {
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
  }

  /** Ends the COPY; resolves once PostgreSQL has every staged row. */
  async finishCopy(): Promise<void> {
    await this.flush();
    const copy = this.copy!;
    await new Promise<void>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      copy.once("finish", () => resolve());
      copy.once("error", reject);
      copy.end();
    });
  }

  /** Moves the staged rows into the dataset table as batch `batchId` of `orgId`; returns the row count. */
  async publish(batchId: string, orgId: string): Promise<number> {
    const names = sqlColumns(this.datasetId).map((c) => c.quotedName).join(", ");
    const res = await this.client.query(
      `INSERT INTO ${q(sqlTableName(this.datasetId))} (batch_id, org_id, line_no, ${names})
       SELECT $1::uuid, $2::uuid, line_no, ${names} FROM ingest_staging`,
      [batchId, orgId],
    );
    return res.rowCount ?? 0;
  }

  /**
   * Abandons the COPY mid-stream. The caller rolls the transaction back afterwards; the
   * connection stays usable because PostgreSQL answers the CopyFail with an error we swallow.
   */
  async abort(): Promise<void> {
    const copy = this.copy;
    if (!copy || copy.writableFinished) return;
    await new Promise<void>((resolve) => {
      copy.once("error", () => resolve());
      copy.once("finish", () => resolve());
      copy.destroy(new Error("ingest aborted"));
      setTimeout(resolve, 5_000).unref();
    });
  }
}
