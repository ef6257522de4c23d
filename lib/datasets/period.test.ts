import { describe, expect, it } from "vitest";
import { checkBatchPeriod } from "./period";

const batched = { title: "Troubled Families", needsPeriod: true };
const plain = { title: "Housing benefits", needsPeriod: false };

describe("the batch-period rule", () => {
  it("asks a batched dataset for a well-formed half-year and refuses a period elsewhere", () => {
    expect(checkBatchPeriod(batched, "2016-H1")).toBeNull();
    expect(checkBatchPeriod(batched, "2016-H2")).toBeNull();
    expect(checkBatchPeriod(batched, null)?.code).toBe("period-required");
    expect(checkBatchPeriod(batched, "2016-H3")?.code).toBe("bad-period");
    expect(checkBatchPeriod(batched, "16-H1")?.message).toMatch(/not of the form YYYY-H1 or YYYY-H2/);
    expect(checkBatchPeriod(plain, null)).toBeNull();
    expect(checkBatchPeriod(plain, "2016-H1")?.code).toBe("period-not-allowed");
  });
});
