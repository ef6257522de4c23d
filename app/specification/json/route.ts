import { SPEC_VERSION, describeAllDatasets } from "@/lib/datasets";
import { defineHandler } from "@/lib/http/adapter";

/** The whole specification as JSON, for partners' export tooling. */
export const GET = defineHandler("specification.json", () => {
  return new Response(JSON.stringify({ specVersion: SPEC_VERSION, datasets: describeAllDatasets() }, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="essex-data-specification-v${SPEC_VERSION}.json"`,
    },
  });
});
