import "server-only";
import { agreementPhase } from "@/lib/agreements/in-force";
import { DATASET_IDS, type DatasetId } from "@/lib/datasets";
import { withContextClient, type UnitContext } from "@/lib/db/tenant";

/**
 * The datasets an organisation supplies under its data-sharing agreements (agreement_dataset's
 * supplier) that are in force today, in the specification's order: what its analysts are offered on
 * the upload form. The pipeline applies the same rule to whatever is posted (lib/agreements).
 */
export async function datasetsSuppliedBy(ctx: UnitContext & { kind: "org" }, now = new Date()): Promise<DatasetId[]> {
  const rows = await withContextClient(
    ctx,
    async (c) =>
      (
        await c.query<{ dataset_id: string; start_date: string; end_date: string }>(
          `SELECT ad.dataset_id, to_char(a.start_date, 'YYYY-MM-DD') AS start_date, to_char(a.end_date, 'YYYY-MM-DD') AS end_date
         FROM agreement_dataset ad JOIN agreement a ON a.id = ad.agreement_id WHERE ad.supplier_org_id = $1`,
          [ctx.orgId],
        )
      ).rows,
  );
  const supplied = new Set(
    rows.filter((r) => agreementPhase({ startDate: r.start_date, endDate: r.end_date }, now) === "in-force").map((r) => r.dataset_id),
  );
  return DATASET_IDS.filter((id) => supplied.has(id));
}
