import fs from "node:fs";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { DEMO_SALT } from "@/lib/demo";
import { stopJobQueue } from "@/lib/queue/boss";
import { registerBlankDigest } from "@/lib/matching/blank-digests";
import { runMatchingInProcess } from "@/lib/matching/jobs";
import { emptyIdentifierDigest } from "@/lib/pseudonymise";
import { analysisRows, setUpPilot, type Pilot } from "./helpers";

let pilot: Pilot;
const blank = emptyIdentifierDigest(DEMO_SALT).toLowerCase();

async function warnings(runId: string) {
  return withContext({ kind: "matching" }, (tx) => tx.matchingQualityWarning.findMany({ where: { runId } }));
}

beforeAll(async () => {
  pilot = await setUpPilot({
    households: 900,
    childrenPerYear: 120,
    seed: 23,
    quirks: true,
    // Blanks at source, as the tool hashes them: one child whose address was blank (school
    // readiness) and one social-care episode whose child's name and birth date were blank.
    edit: (datasetId, csv, demo) => {
      const column = datasetId === "school-readiness" ? "address_key" : datasetId === "social-care" ? "person_key" : null;
      if (!column) return csv;
      // A line the quirks left alone, so the planted row is otherwise valid and loads.
      const quirky = new Set(
        Papa.parse<Record<string, string>>(fs.readFileSync(demo.quirksPath!, "utf8"), { header: true, skipEmptyLines: true })
          .data.filter((q) => q.dataset_id === datasetId)
          .map((q) => Number(q.line)),
      );
      const lines = csv.split(/\r?\n/);
      const header = lines[0]!
        .replace(/^\uFEFF/, "")
        .split(",")
        .map((h) => h.trim().toLowerCase());
      let n = 1;
      while (quirky.has(n) || quirky.has(n + 1)) n++;
      const cells = lines[n]!.split(",");
      cells[header.indexOf(column)] = blank.toUpperCase();
      lines[n] = cells.join(",");
      return lines.join("\n");
    },
  });
}, 300_000);

afterAll(async () => {
  await stopJobQueue();
  await closeDatabase();
});

describe("key-quality warnings", () => {
  it("reports a partner's blank-row digest once registered, and never links it", async () => {
    await registerBlankDigest({ agreementId: pilot.agreementId, digest: blank, note: "test", actorLabel: "test" });
    const { runId } = await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
    const found = await warnings(runId);
    const quirks = Papa.parse<Record<string, string>>(fs.readFileSync(pilot.demo.quirksPath!, "utf8"), { header: true, skipEmptyLines: true }).data;
    const blankRows = quirks.filter((q) => q.quirk === "empty_identifier_digest" && q.dataset_id === "police-crime").length;
    expect(blankRows).toBeGreaterThan(0);

    const police = found.find((w) => w.datasetId === "police-crime" && w.kind === "empty-identifier-digest");
    expect(police).toMatchObject({ orgId: pilot.orgs.police, keyColumn: "address_key", affectedKeys: 1, affectedRows: blankRows });
    const cohort = found.find((w) => w.datasetId === "school-readiness" && w.kind === "empty-identifier-digest");
    expect(cohort).toMatchObject({ keyColumn: "address_key", affectedKeys: 1, affectedRows: 1 });
    expect(cohort!.detail).not.toContain(blank);

    // The child with the blank address (the only one without an output area: quirks mode drops
    // some rows, so children are found by what they are, not by position) links to nothing on the
    // household key, though the police file holds rows under the very same (blank) key.
    const unplaced = (await analysisRows(runId)).filter((r) => r.area === "unknown");
    expect(unplaced).toHaveLength(1);
    expect(unplaced[0]).toMatchObject({
      linked_police_crime: false,
      linked_housing_benefits: false,
      linked_social_care_household: false,
      oa_code: null,
    });
  });

  it("finds a blank digest nobody registered when it is used both as a person key and as an address key", async () => {
    await withContext({ kind: "system", purpose: "test" }, (tx) => tx.matchingBlankDigest.deleteMany({ where: { agreementId: pilot.agreementId } }));
    const { runId } = await runMatchingInProcess({ trigger: "on-demand", agreementId: pilot.agreementId });
    const found = await warnings(runId);
    // A person's digest and an address's can only coincide when both inputs were empty.
    expect(found.find((w) => w.datasetId === "school-readiness" && w.kind === "empty-identifier-digest")).toMatchObject({
      keyColumn: "address_key",
      affectedRows: 1,
      orgId: pilot.orgs.county,
    });
    const unplaced = (await analysisRows(runId)).filter((r) => r.area === "unknown");
    expect(unplaced).toHaveLength(1);
    expect(unplaced[0]).toMatchObject({ linked_police_crime: false, linked_housing_benefits: false });
    // Once found in the cohort, the digest is recognised in every later pass: the two blank police
    // rows are reported to the police too, though two rows at one address are not many.
    expect(found.find((w) => w.datasetId === "police-crime" && w.kind === "empty-identifier-digest")).toMatchObject({ affectedKeys: 1 });
    const asPolice = await withContext({ kind: "org", orgId: pilot.orgs.police }, (tx) => tx.matchingQualityWarning.findMany({ where: { runId } }));
    expect(asPolice.every((w) => w.orgId === pilot.orgs.police)).toBe(true);
  });
});
