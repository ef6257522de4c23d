import "server-only";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { originalFilePath, partialFilePath } from "./paths";

/**
 * Writes the received bytes to disk as they arrive, hashing them on the way, so the original
 * file can be handed back byte for byte without ever being held in memory.
 */
export class StoredFile {
  private readonly hash = createHash("sha256");
  private readonly out: fs.WriteStream;
  private failure: Error | null = null;
  size = 0;
  readonly partialPath: string;
  readonly finalPath: string;

  constructor(orgId: string, batchId: string) {
    this.partialPath = partialFilePath(orgId, batchId);
    this.finalPath = originalFilePath(orgId, batchId);
    fs.mkdirSync(path.dirname(this.partialPath), { recursive: true, mode: 0o700 });
    this.out = fs.createWriteStream(this.partialPath, { flags: "wx", mode: 0o600 });
    this.out.on("error", (e) => (this.failure = e));
  }

  /** Appends a chunk; resolves once the disk has room for more (backpressure). */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.hash.update(chunk);
    this.size += chunk.byteLength;
    if (!this.out.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.out.off("error", onError);
          resolve();
        };
        const onError = (e: Error) => {
          this.out.off("drain", onDrain);
          reject(e);
        };
        this.out.once("drain", onDrain);
        this.out.once("error", onError);
      });
    }
  }

  /** Flushes and closes the partial file; returns the SHA-256 (hex) of every byte written. */
  async finish(): Promise<string> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.out.once("error", reject);
      this.out.end(() => resolve());
    });
    const fd = fs.openSync(this.partialPath, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return this.hash.digest("hex");
  }

  /** Moves the finished file to its permanent name. */
  keep(): void {
    fs.renameSync(this.partialPath, this.finalPath);
  }

  /** Removes whatever was written, partial or kept. Never throws: used on every failure path. */
  async discard(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.out.closed || this.out.destroyed) resolve();
      else {
        this.out.once("close", () => resolve());
        this.out.destroy();
      }
    });
    for (const p of [this.partialPath, this.finalPath]) fs.rmSync(p, { force: true });
  }
}
