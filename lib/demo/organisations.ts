// The demo's partner organisations and who supplies what in the Essex pilot: plain data, read by
// the first-run seeding (lib/setup) and the demo load (lib/ingest/demo-load.ts).
import type { OrgKind } from "@/lib/generated/prisma/enums";

export const DEMO_ORGANISATIONS: { slug: string; name: string; kind: OrgKind; dpContactEmail: string }[] = [
  { slug: "essex-county-council", name: "Essex County Council", kind: "county_council", dpContactEmail: "dpo@essex.example" },
  { slug: "basildon-borough-council", name: "Basildon Borough Council", kind: "borough_council", dpContactEmail: "dpo@basildon.example" },
  { slug: "essex-police", name: "Essex Police", kind: "police", dpContactEmail: "dpo@essex-police.example" },
  { slug: "university-of-essex", name: "University of Essex", kind: "university", dpContactEmail: "dpo@essex-university.example" },
  { slug: "platform-operations", name: "Essex Data Platform operations", kind: "platform_operator", dpContactEmail: "security@platform.example" },
];

/** Which organisation supplies which dataset in the Essex pilot (the brief, "The Essex Data Platform datasets"). */
export const ESSEX_PILOT_SUPPLIERS: Record<string, string> = {
  "housing-benefits": "basildon-borough-council",
  "social-care": "essex-county-council",
  "school-readiness": "essex-county-council",
  "youth-offending": "essex-county-council",
  "drug-alcohol": "essex-county-council",
  "police-crime": "essex-police",
};
