import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { closeDatabase } from "@/lib/db/client";
import { withContext } from "@/lib/db/tenant";
import { datasetsSuppliedBy } from "@/lib/ingest/supplied-datasets";
import { createOrganisation, daysFromToday } from "../factories";

afterAll(closeDatabase);

async function agreementWith(owner: string, suppliers: Record<string, string>) {
  await withContext({ kind: "system", purpose: "test" }, async (tx) => {
    const a = await tx.agreement.create({
      data: {
        slug: `ux-${randomUUID().slice(0, 8)}`,
        name: "Test agreement",
        purpose: "tests",
        ownerOrgId: owner,
        // In force whenever the tests run: the form offers only datasets of agreements in force.
        startDate: daysFromToday(-30),
        reviewDate: daysFromToday(335),
        endDate: daysFromToday(700),
      },
    });
    for (const [datasetId, supplierOrgId] of Object.entries(suppliers))
      await tx.agreementDataset.create({ data: { agreementId: a.id, datasetId, supplierOrgId } });
  });
}

describe("the datasets an organisation is offered on the upload form", () => {
  it("are only those it supplies, not other partners'", async () => {
    const county = await createOrganisation({ kind: "county_council" });
    const borough = await createOrganisation({ kind: "borough_council" });
    const police = await createOrganisation({ kind: "police" });
    await agreementWith(county.id, {
      "school-readiness": county.id,
      "social-care": county.id,
      "housing-benefits": borough.id,
      "police-crime": police.id,
    });
    await agreementWith(county.id, { "troubled-families": county.id });
    expect(await datasetsSuppliedBy({ kind: "org", orgId: borough.id })).toEqual(["housing-benefits"]);
    expect(await datasetsSuppliedBy({ kind: "org", orgId: police.id })).toEqual(["police-crime"]);
    expect(await datasetsSuppliedBy({ kind: "org", orgId: county.id })).toEqual(["social-care", "school-readiness", "troubled-families"]);
  });

  it("are none for an organisation that supplies nothing", async () => {
    const university = await createOrganisation({ kind: "university" });
    expect(await datasetsSuppliedBy({ kind: "org", orgId: university.id })).toEqual([]);
  });
});
