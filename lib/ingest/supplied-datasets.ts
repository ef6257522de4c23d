import "server-only";
import { DATASET_IDS, type DatasetId } from "@/lib/datasets";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";

/**
 * The datasets an organisation supplies under its data-sharing agreements (agreement_dataset's
 * supplier), in the specification's order: what its analysts are offered on the upload form.
 */
export async function datasetsSuppliedBy(ctx: UnitContext & { kind: "org" }): Promise<DatasetId[]> {
  const rows = await withContextClient(ctx, async (c) =>
    (await c.query<{ dataset_id: string }>(`SELECT DISTINCT dataset_id FROM agreement_dataset WHERE supplier_org_id = $1`, [ctx.orgId])).rows,
  );
  const supplied = new Set(rows.map((r) => r.dataset_id));
  return DATASET_IDS.filter((id) => supplied.has(id));
}
