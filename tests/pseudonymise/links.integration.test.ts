import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { DEMO_SALT } from "@/lib/demo";
import { getDataset } from "@/lib/datasets";
import { withContextClient } from "@/lib/db/tenant";
import { runMatchingInProcess } from "@/lib/matching/jobs";
import { MAPPING_FORMAT } from "@/lib/pseudonymise/mapping";
import { loadFile, setUpPilot } from "../matching/helpers";

const root = path.resolve(import.meta.dirname, "../..");

/** `npm run pseudonymise` as a partner runs it, in a process of its own; resolves with its exit code. */
function pseudonymiseCli(args: string[], out: string): Promise<number | null> {
  const child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/shims/register.mjs", "scripts/pseudonymise.ts", ...args], {
    cwd: root,
    env: process.env,
    stdio: ["ignore", fs.openSync(out, "w"), "pipe"],
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

const column = (csv: string, name: string) => {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const at = header!
    .replace(/^\uFEFF/, "")
    .split(",")
    .indexOf(name);
  return lines.map((l) => l.split(",")[at]);
};

const matchedKeys = (runId: string, datasetId: string) =>
  withContextClient(
    { kind: "matching" },
    async (c) =>
      (
        await c.query<{ matched_keys: number; row_count: number }>(
          "SELECT matched_keys, row_count FROM matching_run_dataset WHERE run_id = $1 AND dataset_id = $2",
          [runId, datasetId],
        )
      ).rows[0],
  );

describe("pseudonymisation at source, end to end", () => {
  test("a raw police extract pseudonymised with the CLI gives the same keys, loads, and its households link as the partners' do", async () => {
    const pilot = await setUpPilot({ rawPoliceExtract: true });
    const first = await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
    const before = await matchedKeys(first.runId, "police-crime");
    expect(before?.matched_keys).toBeGreaterThan(0);

    const demoDir = path.dirname(pilot.demo.groundTruthPath);
    const raw = path.join(demoDir, "raw", "police-crime.csv");
    expect(fs.readFileSync(raw, "utf8").split("\n", 1)[0]).toMatch(/^(\uFEFF)?address_line_1,postcode,/);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "portal-pseudonymise-"));
    const map = path.join(work, "police.json");
    const policeColumns = getDataset("police-crime")
      .columns.map((c) => c.name)
      .filter((c) => c !== "address_key");
    fs.writeFileSync(
      map,
      JSON.stringify({
        format: MAPPING_FORMAT,
        dataset: "police-crime",
        keys: {
          address_key: [
            { heading: "address_line_1", column: "address_line_1" },
            { heading: "postcode", column: "postcode" },
          ],
        },
        columns: Object.fromEntries(policeColumns.map((c) => [c, { column: c }])),
      }),
    );
    const saltFile = path.join(work, "salt.txt");
    fs.writeFileSync(saltFile, DEMO_SALT);
    const out = path.join(work, "police-pseudonymised.csv");
    expect(await pseudonymiseCli(["--dataset", "police-crime", "--map", map, "--salt-file", saltFile, raw], out)).toBe(0);

    // Every digest is the one the partner's own tool wrote into the generated extract.
    const generated = fs.readFileSync(pilot.demo.files.find((f) => f.datasetId === "police-crime")!.path, "utf8");
    const produced = fs.readFileSync(out, "utf8");
    expect(column(produced, "address_key").map((k) => k!.toLowerCase())).toEqual(column(generated, "address_key").map((k) => k!.toLowerCase()));
    expect(produced).not.toMatch(/address_line_1|postcode/i);

    // Loaded as Essex Police's new batch, through the same pipeline and identifier guard as an upload.
    await loadFile(pilot.orgs.police, "police-crime", out);
    const second = await runMatchingInProcess({ trigger: "batch-loaded", agreementId: pilot.agreementId });
    const after = await matchedKeys(second.runId, "police-crime");
    expect(after).toEqual(before);
    fs.rmSync(work, { recursive: true, force: true });
  }, 300_000);
});
