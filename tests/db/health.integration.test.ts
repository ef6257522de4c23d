import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { closeDatabase } from "@/lib/db/client";
import { startEmbeddedPostgres } from "@/lib/db/embedded";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portal-health-"));
fs.chmodSync(tmp, 0o755);
afterAll(async () => {
  await closeDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("GET /api/health", () => {
  it("answers 200 while the database is up and 503 with a reason once it is down", async () => {
    // A database of its own, so stopping it does not disturb other test files.
    const db = await startEmbeddedPostgres({ dir: path.join(tmp, "pg"), password: "health-test", persistent: false });
    process.env.DATABASE_APP_URL = db.superuserUrl("postgres");
    try {
      const up = await GET(new Request("http://portal.test/api/health"));
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ status: "ok", database: "ok" });
    } finally {
      await db.stop();
    }
    await closeDatabase();
    const down = await GET(new Request("http://portal.test/api/health"));
    expect(down.status).toBe(503);
    const body = (await down.json()) as { status: string; database: string; reason: string };
    expect(body).toMatchObject({ status: "unavailable", database: "unreachable" });
    expect(body.reason).toMatch(/refused the connection/);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});
