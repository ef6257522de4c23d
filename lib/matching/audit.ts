import "server-only";
import type pg from "pg";
import { recordAudit, type AuditEventInput } from "@/lib/audit/record";
import { withContextKind } from "@/lib/db/tenant";

/**
 * Records an audit event inside a matching-context transaction. recordAudit reads the new event
 * back (RETURNING), which the audit table's policy allows the system context but not the matching
 * context; switching for the one statement keeps the event in the run's own transaction.
 */
export async function auditInMatchingTransaction(c: pg.ClientBase, event: AuditEventInput): Promise<void> {
  await withContextKind(c, "system", "matching", () => recordAudit(c as pg.PoolClient, event));
}
