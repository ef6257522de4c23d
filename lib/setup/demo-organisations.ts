import "server-only";
import { recordAudit } from "@/lib/audit/record";
import { withContext } from "@/lib/db/tenant";
import { DEMO_ORGANISATIONS, ESSEX_PILOT_SUPPLIERS } from "@/lib/demo/organisations";

// The data lives with the demo population (lib/demo), which ingest's demo load reads too.
export { DEMO_ORGANISATIONS, ESSEX_PILOT_SUPPLIERS };

/** The councils that send Troubled Families batches in the demo, and the evaluation's parties. */
export const TROUBLED_FAMILIES_SUPPLIERS = ["essex-county-council", "basildon-borough-council"] as const;
const TROUBLED_FAMILIES_PARTIES: [string, "owner" | "partner"][] = [
  ["essex-county-council", "owner"],
  ["basildon-borough-council", "partner"],
  ["university-of-essex", "partner"],
];

const day = 86_400_000;

/** Seeds the pilot's partners and its two agreements, dated from today so retention is live. */
export async function seedDemoOrganisations(now = new Date()): Promise<{ organisations: number; agreements: number }> {
  return withContext({ kind: "system", purpose: "demo-seed" }, async (tx) => {
    const ids = new Map<string, string>();
    for (const o of DEMO_ORGANISATIONS) {
      const org = await tx.organisation.upsert({ where: { slug: o.slug }, create: o, update: {} });
      ids.set(o.slug, org.id);
    }
    const ecc = ids.get("essex-county-council")!;
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 60 * day);
    const oneYear = new Date(start.getTime() + 365 * day);

    const pilot = await tx.agreement.upsert({
      where: { slug: "essex-pilot" },
      create: {
        slug: "essex-pilot",
        name: "Essex Data Platform pilot: school readiness in Vange",
        purpose: "Research and service planning on school readiness in Vange ward (Basildon); never decisions about individuals.",
        ownerOrgId: ecc,
        startDate: start,
        reviewDate: oneYear,
        endDate: oneYear,
        suppressionThreshold: 5,
      },
      update: {},
    });
    for (const slug of ["essex-county-council", "basildon-borough-council", "essex-police", "university-of-essex"]) {
      await tx.agreementPartner.upsert({
        where: { agreementId_orgId: { agreementId: pilot.id, orgId: ids.get(slug)! } },
        create: { agreementId: pilot.id, orgId: ids.get(slug)!, role: slug === "essex-county-council" ? "owner" : "partner" },
        update: {},
      });
    }
    for (const [datasetId, slug] of Object.entries(ESSEX_PILOT_SUPPLIERS)) {
      const key = { agreementId: pilot.id, datasetId, supplierOrgId: ids.get(slug)! };
      await tx.agreementDataset.upsert({ where: { agreementId_datasetId_supplierOrgId: key }, create: key, update: {} });
    }

    const tf = await tx.agreement.upsert({
      where: { slug: "troubled-families" },
      create: {
        slug: "troubled-families",
        name: "Troubled Families programme evaluation",
        purpose: "Evaluate outcomes for treatment versus comparison families, before and after joining the programme.",
        ownerOrgId: ecc,
        startDate: start,
        reviewDate: new Date(start.getTime() + 182 * day),
        endDate: new Date(start.getTime() + 3 * 365 * day),
        suppressionThreshold: 5,
        batchCadenceMonths: 6,
      },
      update: {},
    });
    // The county council owns the evaluation; it and Basildon send their families every six
    // months; the university's researchers read the pooled results.
    for (const [slug, role] of TROUBLED_FAMILIES_PARTIES) {
      await tx.agreementPartner.upsert({
        where: { agreementId_orgId: { agreementId: tf.id, orgId: ids.get(slug)! } },
        create: { agreementId: tf.id, orgId: ids.get(slug)!, role },
        update: {},
      });
    }
    for (const slug of TROUBLED_FAMILIES_SUPPLIERS) {
      const tfKey = { agreementId: tf.id, datasetId: "troubled-families", supplierOrgId: ids.get(slug)! };
      await tx.agreementDataset.upsert({ where: { agreementId_datasetId_supplierOrgId: tfKey }, create: tfKey, update: {} });
    }

    await recordAudit(tx, {
      action: "demo.seed_organisations",
      outcome: "success",
      actor: { label: "system:first-run" },
      details: { organisations: DEMO_ORGANISATIONS.length, agreements: 2 },
    });
    return { organisations: DEMO_ORGANISATIONS.length, agreements: 2 };
  });
}
