import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { NOT_APPROVED, unapprovedExport } from "./export";

describe("dashboard exports that are not released", () => {
  const file = unapprovedExport(
    "vange_gld_all-years.csv",
    ["Gender", "Children", "%"],
    [
      ["Girls", "120", "71.3"],
      ["Boys", "[c]", "[c]"],
    ],
  );

  it("say NOT APPROVED FOR PUBLICATION in the file name", () => {
    expect(file.name).toBe("NOT-APPROVED-FOR-PUBLICATION_vange_gld_all-years.csv");
  });

  it("say it on the file's first line, then carry the table unchanged", () => {
    const rows = Papa.parse<string[]>(file.body.replace(/^\uFEFF/, "").trim(), { skipEmptyLines: true }).data;
    expect(rows[0]![0]).toMatch(new RegExp(`^${NOT_APPROVED}:`));
    expect(rows.slice(1)).toEqual([
      ["Gender", "Children", "%"],
      ["Girls", "120", "71.3"],
      ["Boys", "[c]", "[c]"],
    ]);
  });
});
