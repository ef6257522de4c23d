import { describe, expect, it } from "vitest";
import { encode } from "next-auth/jwt";
import { sessionIdFromToken } from "./session-cookie";

const secret = "a-test-secret-of-reasonable-length-0123456789";

describe("sessionIdFromToken", () => {
  it("reads the session id from an authentic token, again from memory", async () => {
    const sid = crypto.randomUUID();
    const token = await encode({ token: { sid }, secret });
    expect(await sessionIdFromToken(token, secret)).toBe(sid);
    expect(await sessionIdFromToken(token, secret)).toBe(sid);
  });

  it("refuses a token altered in any one place, or sealed with another secret", async () => {
    const token = await encode({ token: { sid: crypto.randomUUID() }, secret });
    for (const at of [5, Math.floor(token.length / 2), token.length - 3]) {
      const flipped = token.slice(0, at) + (token[at] === "A" ? "B" : "A") + token.slice(at + 1);
      expect(await sessionIdFromToken(flipped, secret)).toBeUndefined();
    }
    expect(await sessionIdFromToken(await encode({ token: { sid: crypto.randomUUID() }, secret: `${secret}-other` }), secret)).toBeUndefined();
    expect(await sessionIdFromToken("not a token", secret)).toBeUndefined();
  });

  it("stops answering for a remembered token once it has expired", async () => {
    const sid = crypto.randomUUID();
    const token = await encode({ token: { sid }, secret, maxAge: 60 });
    expect(await sessionIdFromToken(token, secret)).toBe(sid);
    expect(await sessionIdFromToken(token, secret, Date.now() + 61_000)).toBeUndefined();
    // Forgotten, so it is decrypted again, and next-auth itself refuses it when it is expired.
    expect(await sessionIdFromToken(token, secret, Date.now() + 61_000)).toBeUndefined();
  });

  it("refuses a token without a session id", async () => {
    expect(await sessionIdFromToken(await encode({ token: { name: "x" }, secret }), secret)).toBeUndefined();
  });
});
