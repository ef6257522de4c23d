import "server-only";
import { parseArgs } from "node:util";
import { DEMO_DEFAULTS, type DemoOptions } from "./generate";

export const DEMO_USAGE = `Usage: npm run demo:generate -- [options]

Writes a synthetic, pseudonymised Vange-like population as the six Essex partner extracts, plus
ground-truth.csv and output-areas.csv. Same seed, same options: byte-identical files.

  --seed <n>                 PRNG seed (default ${DEMO_DEFAULTS.seed})
  --out <dir>                output directory (default ${DEMO_DEFAULTS.outDir})
  --households <n>           households (default ${DEMO_DEFAULTS.households}; e.g. 600000 for a benchmark)
  --children-per-year <n>    Reception children per assessment year (default ${DEMO_DEFAULTS.childrenPerYear})
  --years <y,y,...>          assessment years (default ${DEMO_DEFAULTS.years.join(",")})
  --salt <text>              OpenPseudonymiser key for the demo (default: the built-in demo key)
  --troubled-families <p>    also write a Troubled Families batch for period p, e.g. 2016-H1
  --tf-evaluation            also write Troubled Families evaluation batches: two councils, four periods,
                             selection on observables and a planted programme effect
  --quirks                   inject deliberate data-quality problems and write quirks.csv
  -h, --help                 show this help
`;

export type DemoCliCommand = { help: true } | { help: false; options: DemoOptions };

function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  }
  return Number(raw);
}

export function parseDemoArgs(argv: readonly string[]): DemoCliCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: "string" },
      out: { type: "string" },
      households: { type: "string" },
      "children-per-year": { type: "string" },
      years: { type: "string" },
      salt: { type: "string" },
      "troubled-families": { type: "string" },
      quirks: { type: "boolean" },
      "tf-evaluation": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return { help: true };
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  const years = values.years?.split(",").map((y) => integer("years", y.trim(), 2000) as number);
  if (values.salt === "") throw new Error("--salt must not be empty");
  const options: DemoOptions = {
    outDir: values.out ?? DEMO_DEFAULTS.outDir,
    seed: integer("seed", values.seed, Number.MIN_SAFE_INTEGER),
    households: integer("households", values.households, 1),
    childrenPerYear: integer("children-per-year", values["children-per-year"], 0),
    years,
    salt: values.salt,
    troubledFamiliesPeriod: values["troubled-families"],
    quirks: values.quirks ?? false,
    troubledFamiliesEvaluation: values["tf-evaluation"],
  };
  // Leave unset options out so the generator's defaults apply.
  return {
    help: false,
    options: Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as unknown as DemoOptions,
  };
}
