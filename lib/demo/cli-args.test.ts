import { describe, expect, it } from "vitest";
import { parseDemoArgs } from "@/lib/demo/cli-args";

describe("parseDemoArgs", () => {
  it("defaults to .data/demo and leaves the rest to the generator", () => {
    expect(parseDemoArgs([])).toEqual({ help: false, options: { outDir: ".data/demo", quirks: false } });
  });

  it("reads every option", () => {
    const command = parseDemoArgs([
      "--seed",
      "7",
      "--out",
      "/tmp/x",
      "--households",
      "600000",
      "--children-per-year",
      "50",
      "--years",
      "2015, 2016",
      "--salt",
      "k",
      "--troubled-families",
      "2016-H2",
      "--quirks",
      "--tf-evaluation",
    ]);
    expect(command).toEqual({
      help: false,
      options: {
        outDir: "/tmp/x",
        seed: 7,
        households: 600_000,
        childrenPerYear: 50,
        years: [2015, 2016],
        salt: "k",
        troubledFamiliesPeriod: "2016-H2",
        quirks: true,
        troubledFamiliesEvaluation: true,
      },
    });
  });

  it("asks for help and refuses bad input", () => {
    expect(parseDemoArgs(["-h"])).toEqual({ help: true });
    expect(() => parseDemoArgs(["--households", "1e6"])).toThrow(/households/);
    expect(() => parseDemoArgs(["--children-per-year", "-1"])).toThrow(/children-per-year/);
    expect(() => parseDemoArgs(["--years", "2016,soon"])).toThrow(/years/);
    expect(() => parseDemoArgs(["--salt", ""])).toThrow(/salt/);
    expect(() => parseDemoArgs(["--unknown"])).toThrow();
    expect(() => parseDemoArgs(["extra"])).toThrow(/unexpected/);
  });
});
