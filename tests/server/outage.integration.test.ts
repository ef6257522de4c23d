import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, test } from "vitest";
import { databaseAvailability } from "@/lib/db/availability";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { DATABASE_DOWN_MESSAGE, requestListener } from "@/lib/server/request-listener";

// A PostgreSQL of this test's own, so that stopping it disturbs no other test.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "portal-outage-"));
fs.chmodSync(dir, 0o755);
let db: EmbeddedDatabase | undefined;
let pool: pg.Pool | undefined;
let server: http.Server | undefined;

afterAll(async () => {
  server?.close();
  await pool?.end().catch(() => {});
  await db?.stop().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
});

function get(port: number, url: string, accept: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: url, headers: { accept } }, (res) => {
        let body = "";
        res.on("data", (d: Buffer) => (body += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on("error", reject);
  });
}

describe("the database stops and comes back while the portal runs", () => {
  test("requests get a plain 503 page (HTML or JSON) during the outage, and the same pool serves again after it, without a restart", async () => {
    db = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), password: "outage", persistent: true });
    const port = db.port;
    pool = new pg.Pool({ connectionString: db.superuserUrl("postgres"), max: 4 });
    // As the portal's own pool does (lib/db/client.ts): idle clients losing the server are dropped.
    pool.on("error", () => {});
    const availability = databaseAvailability(() => pool!);
    // A page that needs the database, as every portal page does.
    const page: http.RequestListener = (_req, res) => {
      pool!
        .query<{ n: number }>("SELECT 1 AS n")
        .then((r) => res.end(`page ${r.rows[0]!.n}`))
        .catch(() => {
          res.statusCode = 500;
          res.end("failed");
        });
    };
    server = http.createServer(requestListener({ publicUrl: "http://localhost", mounts: [], next: page, databaseAvailable: availability.available }));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const portal = (server.address() as AddressInfo).port;

    expect(await availability.check()).toBe(true);
    expect(await get(portal, "/dashboards/vange", "text/html")).toMatchObject({ status: 200, body: "page 1" });

    await db.stop();
    expect(await availability.check()).toBe(false);
    const html = await get(portal, "/dashboards/vange", "text/html");
    expect(html.status).toBe(503);
    expect(html.headers["retry-after"]).toBe("60");
    expect(html.body).toContain("Sorry, the portal is unavailable");
    expect(html.body).toContain(DATABASE_DOWN_MESSAGE);
    expect(html.body).not.toMatch(/ECONNREFUSED|Error:|at .*\(/);
    const json = await get(portal, "/api/uploads", "application/json");
    expect(json.status).toBe(503);
    expect(JSON.parse(json.body)).toEqual({ error: "database_unavailable", message: DATABASE_DOWN_MESSAGE });

    // The same data folder and port: the portal's pool reconnects by itself.
    db = await startEmbeddedPostgres({ dir: path.join(dir, "pg"), password: "outage", persistent: true, port });
    await expect.poll(async () => (await get(portal, "/dashboards/vange", "text/html")).status, { timeout: 20_000, interval: 250 }).toBe(200);
    expect((await get(portal, "/dashboards/vange", "text/html")).body).toBe("page 1");
  }, 120_000);
});
