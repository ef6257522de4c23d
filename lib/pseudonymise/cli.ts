import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { pseudonymiseExtract, type ExtractSummary } from "./extract";
import { MappingError, parseMapping, planMapping } from "./mapping";
import { saltFingerprint, saltFromFile, saltWarnings } from "./salt";
import { describeSummary } from "./summary-text";

const USAGE = `Usage: npm run pseudonymise -- --dataset <id> --map <mapping.json> --salt-file <file> [--period YYYY-H1] <in.csv> > out.csv

Pseudonymises a raw extract with OpenPseudonymiser's digest, on this machine only.
  --dataset <id>       the dataset of the data specification (must match the mapping)
  --map <file>         the mapping saved from the Pseudonymise page (JSON)
  --salt-file <file>   a file holding the salt (one trailing line break is ignored)
  --period <YYYY-Hn>   the batch, for troubled-families
  --summary-json <file> also write the summary as JSON
The output goes to standard output only once the whole file has been read; the summary to standard error.`;

/** Exit codes: 0 written, 1 the input was refused (nothing written), 2 wrong usage. */
export async function runPseudonymiseCli(argv: string[], stdout: NodeJS.WritableStream, log: (line: string) => void): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dataset: { type: "string" },
        map: { type: "string" },
        "salt-file": { type: "string" },
        period: { type: "string" },
        "summary-json": { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (e) {
    log(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = args;
  if (values.help) {
    log(USAGE);
    return 0;
  }
  const missing = [
    !values.dataset && "--dataset",
    !values.map && "--map",
    !values["salt-file"] && "--salt-file",
    positionals.length !== 1 && "one input CSV",
  ].filter(Boolean);
  if (missing.length > 0) {
    log(`Missing: ${missing.join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  const input = positionals[0]!;
  const readText = (file: string, what: string): string | null => {
    try {
      return fs.readFileSync(file, "utf8");
    } catch {
      log(`Cannot read the ${what} ${file}.`);
      return null;
    }
  };
  const mapText = readText(values.map!, "mapping file");
  const saltText = readText(values["salt-file"]!, "salt file");
  if (mapText === null || saltText === null) return 1;
  let plan;
  try {
    plan = planMapping(parseMapping(mapText));
  } catch (e) {
    if (!(e instanceof MappingError)) throw e;
    log(`The mapping cannot be used:\n- ${e.problems.join("\n- ")}`);
    return 1;
  }
  if (plan.dataset.id !== values.dataset) {
    log(`The mapping is for ${plan.mapping.dataset}, but --dataset says ${values.dataset}: use the mapping made for that dataset.`);
    return 1;
  }
  const salt = saltFromFile(saltText);
  for (const w of saltWarnings(salt)) log(`${w.code === "empty" ? "Error" : "Warning"}: ${w.message}`);
  if (salt === "") return 1;
  log(`Salt fingerprint: ${saltFingerprint(salt)} (compare it with your partners').`);
  if (!fs.existsSync(input)) {
    log(`There is no file ${input}.`);
    return 1;
  }

  // Output is written to a private temporary file first, so a file refused half-way leaves
  // nothing on standard output that could be mistaken for a complete extract.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "pseudonymise-"));
  const tmp = path.join(tmpDir, "out.csv");
  const fd = fs.openSync(tmp, "w", 0o600);
  let summary: ExtractSummary;
  try {
    summary = await pseudonymiseExtract(fs.createReadStream(input, { highWaterMark: 1 << 20 }), {
      plan,
      salt,
      period: values.period,
      onOutput: (bytes) => {
        fs.writeSync(fd, bytes);
      },
    });
    fs.closeSync(fd);
    if (values["summary-json"]) fs.writeFileSync(values["summary-json"], `${JSON.stringify(summary, null, 2)}\n`);
    for (const line of describeSummary(summary)) log(line);
    if (summary.refused) return 1;
    await pipeline(fs.createReadStream(tmp), stdout, { end: false });
    return 0;
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed.
    }
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}
