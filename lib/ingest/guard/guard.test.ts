import { describe, expect, it } from "vitest";
import { getDataset } from "@/lib/datasets";
import { IdentifierGuard, type GuardColumn } from "@/lib/ingest/guard";

const KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

function guardFor(columns: GuardColumn[]) {
  return new IdentifierGuard(columns);
}

describe("IdentifierGuard", () => {
  const school = getDataset("school-readiness").columns.map((c) => ({ name: c.name, kind: c.kind }));
  const idx = (name: string) => school.findIndex((c) => c.name === name);

  it("flags identifiers in key columns by kind", () => {
    const g = guardFor(school);
    const person = idx("person_key");
    expect(g.inspect(person, "John Smith", 2, false)).toBe("personal-name");
    expect(g.inspect(person, "943 476 5919", 3, false)).toBe("nhs-number");
    expect(g.inspect(person, "SS14 1AB", 4, false)).toBe("postcode");
    expect(g.inspect(person, "2011-03-12", 5, false)).toBe("full-date");
    expect(g.inspect(person, "jo@example.org", 6, false)).toBe("email");
    expect(g.inspect(person, "07700 900123", 7, false)).toBe("phone-number");
    expect(g.inspect(person, "12 High Street", 8, false)).toBe("street-address");
    expect(g.inspect(person, "100090123456", 9, false)).toBe("key-not-pseudonymised");
    expect(g.inspect(person, "Smith", 10, false)).toBe("personal-name");
  });

  it("leaves malformed digests and placeholders to validation", () => {
    const g = guardFor(school);
    const person = idx("person_key");
    expect(g.inspect(person, KEY.slice(1), 2, false)).toBeNull();
    expect(g.inspect(person, `${KEY}00`, 2, false)).toBeNull();
    expect(g.inspect(person, "", 2, false)).toBeNull();
    expect(g.inspect(person, "N/A", 2, false)).toBeNull();
    expect(g.cellsFlagged).toBe(0);
  });

  it("flags a full date where a month is expected, but not in a date column", () => {
    const g = guardFor(school);
    expect(g.inspect(idx("birth_month"), "2011-03-12", 2, false)).toBe("full-date");
    expect(g.inspect(idx("birth_month"), "12/03/2011", 3, false)).toBe("full-date");
    const care = new IdentifierGuard(getDataset("social-care").columns.map((c) => ({ name: c.name, kind: c.kind })));
    expect(care.inspect(3, "12/03/2016", 2, false)).toBeNull();
  });

  it("does not flag valid values: months, URNs, district codes, amounts", () => {
    const g = guardFor(school);
    expect(g.inspect(idx("birth_month"), "2011-03", 2, true)).toBeNull();
    expect(g.inspect(idx("school_urn"), "115000", 2, true)).toBeNull();
    for (const d of ["VANGE", "VANGE-01", "B14", "SS14", "DIST-7", "E10000012"]) {
      expect(g.inspect(idx("school_district"), d, 2, true), d).toBeNull();
    }
    expect(g.inspect(idx("person_key"), KEY, 2, true)).toBeNull();
    const housing = new IdentifierGuard(getDataset("housing-benefits").columns.map((c) => ({ name: c.name, kind: c.kind })));
    expect(housing.inspect(4, "1234.56", 2, true)).toBeNull();
    expect(housing.inspect(4, "5000000000", 2, true)).toBeNull();
    expect(g.cellsFlagged + housing.cellsFlagged).toBe(0);
  });

  it("inspects valid cells that could still hide an identifier", () => {
    const g = guardFor(school);
    expect(g.checksValid[idx("school_district")]).toBe(true);
    expect(g.checksValid[idx("person_key")]).toBe(false);
    expect(g.checksValid[idx("gender")]).toBe(false);
    expect(g.inspect(idx("school_district"), "SS141AB", 2, true)).toBe("postcode");
    expect(g.inspect(idx("school_district"), "9434765919", 3, true)).toBe("nhs-number");
    const housing = new IdentifierGuard(getDataset("housing-benefits").columns.map((c) => ({ name: c.name, kind: c.kind })));
    expect(housing.inspect(4, "9434765919", 2, true)).toBe("nhs-number");
    expect(housing.inspect(4, "01268533333", 2, true)).toBe("phone-number");
  });

  it("inspects invalid enum and flag cells", () => {
    const g = guardFor(school);
    expect(g.inspect(idx("ethnicity"), "Jane Brown", 2, false)).toBe("personal-name");
    expect(g.inspect(idx("gender"), "CM16 5HW", 2, false)).toBe("postcode");
    expect(g.inspect(idx("gender"), "female", 2, false)).toBeNull();
  });

  it("inspects unknown columns, using the header as a hint", () => {
    const g = guardFor([
      { name: "forename", kind: "unknown" },
      { name: "dob", kind: "unknown" },
      { name: "notes", kind: "unknown" },
    ]);
    expect(g.inspect(0, "Olivia", 2, false)).toBe("personal-name");
    expect(g.inspect(1, "2011-03-12", 2, false)).toBe("full-date");
    expect(g.inspect(2, "2011-03-12", 2, false)).toBeNull();
    expect(g.inspect(2, "Olivia", 2, false)).toBeNull();
  });

  it("reports rule, column, count and first lines, never values", () => {
    const g = guardFor(school);
    for (let line = 2; line < 30; line++) g.inspect(idx("person_key"), "Jane Smith", line, false);
    g.inspect(idx("birth_month"), "2011-03-12", 7, false);
    const findings = g.findings();
    expect(findings).toEqual([
      { rule: "personal-name", column: "person_key", cells: 28, firstLines: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11] },
      { rule: "full-date", column: "birth_month", cells: 1, firstLines: [7] },
    ]);
    expect(JSON.stringify(findings)).not.toMatch(/Jane|Smith|2011/);
  });
});
