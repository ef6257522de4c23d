import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit/record";
import { withContextClient } from "@/lib/db/tenant";
import { contextFor } from "./context";
import { ReleaseError } from "./errors";
import type { Actor } from "./types";

export interface ApprovalRule {
  agreementId: string;
  agreement: string;
  owner: string;
  /** Organisations supplying the agreement's datasets (its data owners). */
  dataOwners: string[];
  dataOwnersMustApprove: boolean;
}

function requireAdmin(actor: Actor): void {
  if (actor.role !== "administrator") throw new ReleaseError("forbidden", "Only an administrator can change who approves releases.");
}

/** Every agreement with who must approve its releases. */
export async function listApprovalRules(actor: Actor): Promise<ApprovalRule[]> {
  requireAdmin(actor);
  return withContextClient(contextFor(actor), async (db) => {
    const { rows } = await db.query<{ id: string; name: string; owner: string; owners: string[] | null; must: boolean | null }>(
      `SELECT a.id, a.name, o.name AS owner,
              ARRAY(SELECT DISTINCT s.name FROM agreement_dataset d JOIN organisation s ON s.id = d.supplier_org_id WHERE d.agreement_id = a.id ORDER BY s.name) AS owners,
              r.data_owners_must_approve AS must
       FROM agreement a JOIN organisation o ON o.id = a.owner_org_id LEFT JOIN release_approval_rule r ON r.agreement_id = a.id
       ORDER BY a.name`,
    );
    return rows.map((r) => ({
      agreementId: r.id,
      agreement: r.name,
      owner: r.owner,
      dataOwners: r.owners ?? [],
      dataOwnersMustApprove: r.must ?? false,
    }));
  });
}

/**
 * Sets whether every data owner of a run must approve a release too, or the agreement's owner
 * organisation alone. Applies to decisions made from now on, including on requests already waiting.
 */
export async function setApprovalRule(actor: Actor, input: { agreementId: string; dataOwnersMustApprove: boolean }): Promise<void> {
  requireAdmin(actor);
  if (!z.uuid().safeParse(input.agreementId).success) throw new ReleaseError("not-found", "There is no such agreement.");
  await withContextClient(contextFor(actor), async (db) => {
    const { rows } = await db.query("SELECT 1 FROM agreement WHERE id = $1", [input.agreementId]);
    if (rows.length === 0) throw new ReleaseError("not-found", "There is no such agreement.");
    await db.query(
      `INSERT INTO release_approval_rule (agreement_id, data_owners_must_approve) VALUES ($1, $2)
       ON CONFLICT (agreement_id) DO UPDATE SET data_owners_must_approve = EXCLUDED.data_owners_must_approve, updated_at = now()`,
      [input.agreementId, input.dataOwnersMustApprove],
    );
    await recordAudit(db, {
      action: "release.rule.set",
      outcome: "success",
      actor: { userId: actor.userId, label: actor.email, role: actor.role },
      orgId: actor.orgId,
      target: { type: "agreement", id: input.agreementId },
      details: { dataOwnersMustApprove: input.dataOwnersMustApprove },
    });
  });
}
