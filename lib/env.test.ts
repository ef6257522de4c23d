import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "./env";

describe("parseEnv", () => {
  it("applies defaults for an empty environment", () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.PORTAL_DATA_DIR).toBe(".data");
  });

  it("lists every bad variable, not just the first", () => {
    try {
      parseEnv({ PORT: "http", DATABASE_URL: "mysql://x/y", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      const problems = (e as EnvError).problems.join("\n");
      expect(problems).toMatch(/PORT/);
      expect(problems).toMatch(/DATABASE_URL/);
      expect(problems).toMatch(/LOG_LEVEL/);
    }
  });

  it("accepts a PostgreSQL URL", () => {
    expect(parseEnv({ DATABASE_URL: "postgresql://u:p@db.example:5432/portal" }).DATABASE_URL).toBe("postgresql://u:p@db.example:5432/portal");
  });
});

describe("SMTP_URL", () => {
  it("accepts smtp:// and smtps:// and refuses anything else by name", () => {
    expect(parseEnv({ SMTP_URL: "smtps://u:p@smtp.example.org:465" }).SMTP_URL).toBe("smtps://u:p@smtp.example.org:465");
    expect(parseEnv({ SMTP_URL: " " }).SMTP_URL).toBeUndefined();
    expect(() => parseEnv({ SMTP_URL: "http://smtp.example.org" })).toThrow(/SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
  });
});
