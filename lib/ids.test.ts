import { describe, expect, it } from "vitest";
import { isUuid } from "./ids";

describe("isUuid", () => {
  it("accepts a UUID in either case and nothing else", () => {
    expect(isUuid("0b0e5a7e-3c1d-4f2a-9b8c-7d6e5f4a3b2c")).toBe(true);
    expect(isUuid("0B0E5A7E-3C1D-4F2A-9B8C-7D6E5F4A3B2C")).toBe(true);
    for (const bad of [
      "",
      "../../etc/passwd",
      "------------------------------------",
      "0b0e5a7e3c1d4f2a9b8c7d6e5f4a3b2c",
      "0b0e5a7e-3c1d-4f2a-9b8c-7d6e5f4a3b2cx",
      42,
      null,
    ]) {
      expect(isUuid(bad), String(bad)).toBe(false);
    }
  });
});
