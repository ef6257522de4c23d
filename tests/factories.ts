import { randomUUID } from "node:crypto";
import pg from "pg";
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
      data: { slug, name: over.name ?? `Test organisation ${slug}`, kind: over.kind ?? "borough_council", active: over.active ?? true, dpContactEmail: `dpo@${slug}.example` },
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
