import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { withContextClient } from "@/lib/db/tenant";
import { createSupplierOrganisation } from "@/tests/factories";
import { csvText, filesUnder, ingest, rowsOfBatch } from "./helpers";

/**
 * A real full disk: the data folder is a 256 KiB tmpfs. Mounting needs root (CI runs as root);
 * elsewhere the suite is skipped and its name says why.
 */
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "portal-full-disk-"));
let mounted = false;
try {
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint], { stdio: "ignore" });
  mounted = true;
} catch {
  mounted = false;
}
const title = mounted
  ? "a full data folder during an upload"
  : "SKIPPED: a full data folder during an upload (mounting a small tmpfs needs root; CI runs as root)";

afterAll(() => {
  if (mounted) execFileSync("umount", [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted)(title, () => {
  let orgId: string;
  let liveBatch: string;

  beforeAll(async () => {
    process.env.PORTAL_DATA_DIR = mountPoint;
    orgId = (await createSupplierOrganisation()).id;
    const small = await ingest(orgId, "housing-benefits", await csvText("housing-benefits", 20));
    expect(small.status).toBe("loaded");
    liveBatch = small.batchId;
  });

  test("a clear reason, nothing half-stored, the previous live batch untouched", async () => {
    const big = await csvText("housing-benefits", 5_000);
    expect(big.length).toBeGreaterThan(512 * 1024);
    await expect(ingest(orgId, "housing-benefits", big)).rejects.toMatchObject({ code: "ENOSPC" });

    const failed = await withContextClient({ kind: "org", orgId }, async (c) => {
      const r = await c.query<{ id: string; status: string; message: string }>(
        `SELECT b.id, b.status, r.message FROM upload_batch b JOIN ingest_batch_report r ON r.batch_id = b.id
          WHERE b.org_id = $1 AND b.id <> $2`,
        [orgId, liveBatch],
      );
      return r.rows;
    });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.status).toBe("failed");
    expect(failed[0]!.message).toMatch(/storage is full or cannot be written to/);
    expect(await rowsOfBatch(orgId, "ds_housing_benefits", failed[0]!.id)).toBe(0);

    // Only the live batch's original remains; no partial file of the failed one.
    const files = filesUnder(path.join(mountPoint, "files")).map((f) => path.basename(f));
    expect(files).toEqual([`${liveBatch}.csv`]);
    const live = await withContextClient(
      { kind: "org", orgId },
      async (c) => (await c.query<{ status: string }>(`SELECT status FROM upload_batch WHERE id = $1`, [liveBatch])).rows[0]!.status,
    );
    expect(live).toBe("loaded");
    expect(await rowsOfBatch(orgId, "ds_housing_benefits", liveBatch)).toBe(20);
  });
});
