// The adapter as the real route handlers use it, called the way Next.js calls them. Routes that
// need a session are walked in the browser (e2e/route-access.spec.ts): a session needs Next.js's
// request scope, which these calls do not have.
import { describe, expect, it } from "vitest";
import { adapterKeyOf } from "@/lib/http/adapter";
import { publicUrl } from "@/lib/env";
import * as signOut from "@/app/api/auth/sign-out/route";
import * as template from "@/app/specification/[dataset]/template/route";
import * as spec from "@/app/specification/json/route";
import * as submit from "@/app/(auth)/signin/interaction/[uid]/submit/route";

const params = <T extends object>(p: T) => ({ params: Promise.resolve(p) });

describe("the request adapter", () => {
  it("marks what it produced with the route key", () => {
    expect(adapterKeyOf(template.GET)).toBe("specification.template");
    expect(adapterKeyOf(spec.GET)).toBe("specification.json");
    expect(adapterKeyOf(() => new Response())).toBeUndefined();
  });

  it("answers a domain AppError with its status and { error, message }, never cached", async () => {
    const res = await template.GET(new Request(`${publicUrl()}/specification/pets/template`), params({ dataset: "pets" }));
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ error: "not-found", message: 'There is no dataset "pets".' });
  });

  it("passes the route's typed params and returns what the route answers", async () => {
    const res = await template.GET(new Request(`${publicUrl()}/specification/police-crime/template`), params({ dataset: "police-crime" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect((await res.text()).split("\n")[0]).toContain(",");
  });

  it("refuses a state-changing request from another site before the route runs", async () => {
    for (const [handler, url, ctx] of [
      [signOut.POST, `${publicUrl()}/api/auth/sign-out`, undefined],
      [submit.POST, `${publicUrl()}/signin/interaction/x/submit`, params({ uid: "x" })],
    ] as const) {
      const res = await handler(new Request(url, { method: "POST", headers: { origin: "https://evil.example" } }), ctx as never);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toBe("cross_site_request");
    }
    const sameSite = await signOut.POST(
      new Request(`${publicUrl()}/api/auth/sign-out`, { method: "POST", headers: { "sec-fetch-site": "cross-site" } }),
    );
    expect(sameSite.status).toBe(403);
  });
});
