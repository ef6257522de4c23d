import { describe, expect, it } from "vitest";
import { plural } from "./plural";

describe("plural", () => {
  it("agrees with the count", () => {
    expect(plural(1, "error")).toBe("1 error");
    expect(plural(0, "error")).toBe("0 errors");
    expect(plural(2, "row")).toBe("2 rows");
    expect(plural(1, "was", "were")).toBe("1 was");
  });
});
