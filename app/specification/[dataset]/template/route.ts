import { csvTemplate, describeDataset, isDatasetId } from "@/lib/datasets";
import { AppError } from "@/lib/errors";
import { defineHandler } from "@/lib/http/adapter";

/** A CSV template of one dataset: the header row and one example row with made-up digests. */
export const GET = defineHandler("specification.template", ({ params }) => {
  const { dataset } = params;
  if (!isDatasetId(dataset)) throw new AppError("not_found", `There is no dataset "${dataset}".`);
  return new Response(csvTemplate(dataset, { example: true }), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${describeDataset(dataset).templateFileName}"`,
    },
  });
});
