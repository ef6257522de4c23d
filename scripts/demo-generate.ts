// Run as: node --import tsx --import ./scripts/shims/register.mjs scripts/demo-generate.ts [options]
import path from "node:path";
import { generateDemoData } from "@/lib/demo";
import { DEMO_USAGE, parseDemoArgs } from "@/lib/demo/cli-args";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function main(): Promise<void> {
  let command;
  try {
    command = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${DEMO_USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (command.help) {
    process.stdout.write(DEMO_USAGE);
    return;
  }

  const result = await generateDemoData(command.options);
  const { stats } = result;
  const rel = (p: string) => {
    const relative = path.relative(process.cwd(), p);
    return relative === "" || relative.startsWith("..") ? p : relative;
  };
  const out: string[] = [];
  out.push(`Synthetic demo data (seed ${stats.seed}) written to ${rel(path.dirname(result.groundTruthPath))}:`);
  for (const f of result.files) out.push(`  ${f.datasetId.padEnd(18)} ${String(f.rows).padStart(9)} rows  ${rel(f.path)}`);
  out.push(`  ${"output areas".padEnd(18)} ${String(stats.households).padStart(9)} rows  ${rel(result.outputAreasPath)}`);
  out.push(`  ${"ground truth".padEnd(18)} ${String(stats.children).padStart(9)} rows  ${rel(result.groundTruthPath)}`);
  if (result.quirksPath) {
    out.push(`  ${"quirks manifest".padEnd(18)} ${"".padStart(9)}       ${rel(result.quirksPath)}`);
    out.push("Quirks mode: these files deliberately break the data spec where quirks.csv says so.");
  }
  out.push(
    `Households: ${stats.households} (Vange ${stats.vangeHouseholds} in ${stats.outputAreas.vange} OAs, ` +
      `rest of Basildon ${stats.restHouseholds} in ${stats.outputAreas.rest} OAs)`,
  );
  out.push(
    `Children: ${stats.children} (${Object.entries(stats.childrenByYear)
      .map(([y, n]) => `${y}: ${n}`)
      .join(", ")}), ` + `${stats.excludedFromGld} excluded from GLD as absent`,
  );
  out.push(
    `GLD: Vange ${pct(stats.gld.vange.rate)} of ${stats.gld.vange.assessed}, rest ${pct(stats.gld.rest.rate)} of ` +
      `${stats.gld.rest.assessed}, overall ${pct(stats.gld.overall.rate)}`,
  );
  const l = stats.linkage;
  out.push(
    `Children linked to: housing-benefits ${pct(l.housingBenefits)}, social care (person) ${pct(l.socialCarePerson)}, ` +
      `police ${pct(l.policeCrime)}, drug/alcohol ${pct(l.drugAlcohol)}, youth offending ${pct(l.youthOffending)}` +
      (command.options.troubledFamiliesPeriod ? `, troubled families ${pct(l.troubledFamilies)}` : ""),
  );
  out.push(`Generated in ${stats.elapsedMs} ms. Keys are OpenPseudonymiser digests under the demo key; no clear identifier is written.`);
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
