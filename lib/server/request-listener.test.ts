import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestListener } from "./request-listener";

// The listener in front of a stand-in for Next.js (which records what reached it) and one
// mount, on a real socket.
const reached: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on(
    "request",
    requestListener({
      publicUrl: base,
      mounts: [{ prefix: "/oidc", handle: (req, res) => void (reached.push(`mount ${req.method} ${req.url}`), res.end("mount")) }],
      next: (req, res) => void (reached.push(`next ${req.method} ${req.url} ${req.headers["x-portal-client-address"]}`), res.end("next")),
    }),
  );
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the portal's HTTP door", () => {
  it("refuses a cross-origin write before any handler sees it, with a plain 403", async () => {
    reached.length = 0;
    const res = await fetch(`${base}/api/uploads/form`, {
      method: "POST",
      headers: { origin: "http://127.0.0.1:1", accept: "application/json" },
      body: "x",
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "cross_site_request" });
    const html = await fetch(`${base}/uploads`, { method: "POST", headers: { origin: "http://127.0.0.1:1", accept: "text/html" }, body: "x" });
    expect(html.status).toBe(403);
    expect(await html.text()).toContain("<h1>Request refused</h1>");
    expect(reached).toEqual([]);
  });

  it("passes same-origin writes and all reads on, with the client's address set by the server", async () => {
    reached.length = 0;
    expect(
      (await fetch(`${base}/api/uploads/form`, { method: "POST", headers: { origin: base, "x-portal-client-address": "6.6.6.6" }, body: "x" }))
        .status,
    ).toBe(200);
    expect((await fetch(`${base}/uploads`, { headers: { origin: "http://evil.example" } })).status).toBe(200);
    expect(reached).toEqual(["next POST /api/uploads/form 127.0.0.1", "next GET /uploads 127.0.0.1"]);
  });

  it("puts the common headers on everything, mounts included", async () => {
    for (const path of ["/", "/oidc/.well-known/openid-configuration"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});
