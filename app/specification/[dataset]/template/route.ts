import { csvTemplate, describeDataset, isDatasetId } from "@/lib/datasets";

/** A CSV template of one dataset: the header row and one example row with made-up digests. */
export async function GET(_req: Request, ctx: { params: Promise<{ dataset: string }> }) {
  const { dataset } = await ctx.params;
  if (!isDatasetId(dataset)) return Response.json({ error: "not-found", message: `There is no dataset "${dataset}".` }, { status: 404 });
  return new Response(csvTemplate(dataset, { example: true }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${describeDataset(dataset).templateFileName}"`,
    },
  });
}
