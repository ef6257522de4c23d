import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { relyingPartyConfig, usesBundledProvider } from "./config";

describe("OIDC configuration", () => {
  it("uses the bundled provider when OIDC_ISSUER is unset or empty", () => {
    expect(usesBundledProvider({})).toBe(true);
    expect(usesBundledProvider({ OIDC_ISSUER: " " })).toBe(true);
    const env = parseEnv({ OIDC_ISSUER: "" });
    expect(env.OIDC_ISSUER).toBeUndefined();
  });

  it("needs the client id and secret with an external issuer, named in one error", () => {
    try {
      parseEnv({ OIDC_ISSUER: "https://keycloak.essex.example/realms/portal" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      expect((e as EnvError).problems.join("\n")).toMatch(/OIDC_CLIENT_ID.*\n.*OIDC_CLIENT_SECRET/);
    }
    expect(() => parseEnv({ OIDC_ISSUER: "ftp://x.example" })).toThrow(EnvError);
  });

  it("reads an external issuer's settings and the acr requirement", () => {
    const cfg = relyingPartyConfig({
      OIDC_ISSUER: "https://keycloak.essex.example/realms/portal",
      OIDC_CLIENT_ID: "portal",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_REQUIRED_ACR: "2 3",
      PUBLIC_URL: "https://portal.essex.example",
    });
    expect(cfg).toMatchObject({
      issuer: "https://keycloak.essex.example/realms/portal",
      clientId: "portal",
      bundled: false,
      requiredAcr: ["2", "3"],
    });
  });
});
