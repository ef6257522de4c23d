import { randomUUID } from "node:crypto";
import pg from "pg";
import { DATASET_IDS } from "@/lib/datasets";
import { withContext } from "@/lib/db/tenant";
import type { OrgKind, Role } from "@/lib/generated/prisma/enums";

/** A connection as the migration owner, for tests that must act outside the application role. */
export async function ownerClient(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: process.env.TEST_ADMIN_URL });
  await c.connect();
  await c.query("SET ROLE portal_owner");
  return c;
}

/** A raw connection as the application role (no context set). */
export async function appClient(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_APP_URL });
  await c.connect();
  return c;
}

export async function createOrganisation(over: Partial<{ slug: string; name: string; kind: OrgKind; active: boolean }> = {}) {
  const slug = over.slug ?? `org-${randomUUID().slice(0, 8)}`;
  return withContext({ kind: "system", purpose: "test" }, (tx) =>
    tx.organisation.create({
      data: {
        slug,
        name: over.name ?? `Test organisation ${slug}`,
        kind: over.kind ?? "borough_council",
        active: over.active ?? true,
        dpContactEmail: `dpo@${slug}.example`,
      },
    }),
  );
}

export async function createUser(orgId: string, over: Partial<{ email: string; role: Role; displayName: string; active: boolean }> = {}) {
  const email = over.email ?? `user-${randomUUID().slice(0, 8)}@test.example`;
  return withContext({ kind: "system", purpose: "test" }, (tx) =>
    tx.user.create({
      data: { email, displayName: over.displayName ?? email, role: over.role ?? "partner_analyst", orgId, active: over.active ?? true },
    }),
  );
}

export async function createBatch(orgId: string, over: Partial<{ datasetId: string; originalFilename: string }> = {}) {
  return withContext({ kind: "org", orgId }, (tx) =>
    tx.uploadBatch.create({
      data: { orgId, datasetId: over.datasetId ?? "housing-benefits", source: "cli", originalFilename: over.originalFilename ?? "test.csv" },
    }),
  );
}

/** A user as lib/ domain functions take it (`actor`): a fresh account of `role` at `orgId`. */
export async function createActor(orgId: string, role: Role, over: Partial<{ displayName: string }> = {}) {
  const u = await createUser(orgId, { role, displayName: over.displayName });
  return { userId: u.id, email: u.email, displayName: u.displayName, role: u.role, orgId: u.orgId };
}

const DAY = 86_400_000;

/** A calendar date `days` from today (negative: in the past), as a `date` column stores it. */
export function daysFromToday(days: number, now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + days * DAY);
}

/**
 * A data-sharing agreement: owned by `ownerOrgId` (a party with the role "owner"), with the other
 * `parties`, and `suppliers` naming which organisation supplies which dataset (each supplier is a
 * party too). In force from 30 days ago for a year unless dated otherwise.
 */
export async function createAgreement(opts: {
  ownerOrgId: string;
  parties?: { orgId: string; role?: string }[];
  suppliers?: Record<string, string>;
  startDate?: Date;
  endDate?: Date;
  name?: string;
}) {
  const slug = `agreement-${randomUUID().slice(0, 8)}`;
  const startDate = opts.startDate ?? daysFromToday(-30);
  const endDate = opts.endDate ?? daysFromToday(335);
  return withContext({ kind: "system", purpose: "test" }, async (tx) => {
    const a = await tx.agreement.create({
      data: {
        slug,
        name: opts.name ?? `Test agreement ${slug}`,
        purpose: "tests",
        ownerOrgId: opts.ownerOrgId,
        startDate,
        reviewDate: endDate,
        endDate,
      },
    });
    const roles = new Map<string, string>([[opts.ownerOrgId, "owner"]]);
    for (const p of opts.parties ?? []) if (!roles.has(p.orgId)) roles.set(p.orgId, p.role ?? "partner");
    for (const orgId of Object.values(opts.suppliers ?? {})) if (!roles.has(orgId)) roles.set(orgId, "supplier");
    for (const [orgId, role] of roles) await tx.agreementPartner.create({ data: { agreementId: a.id, orgId, role } });
    for (const [datasetId, supplierOrgId] of Object.entries(opts.suppliers ?? {})) {
      await tx.agreementDataset.create({ data: { agreementId: a.id, datasetId, supplierOrgId } });
    }
    return a;
  });
}

/**
 * An organisation party to an agreement in force that names it as the supplier of `supplies`
 * (every dataset unless told), so that it may upload and hold accounts.
 */
export async function createSupplierOrganisation(over: Parameters<typeof createOrganisation>[0] & { supplies?: readonly string[] } = {}) {
  const org = await createOrganisation(over);
  const supplies = over.supplies ?? DATASET_IDS;
  await createAgreement({ ownerOrgId: org.id, suppliers: Object.fromEntries(supplies.map((d) => [d, org.id])) });
  return org;
}
