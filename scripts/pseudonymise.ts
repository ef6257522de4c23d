// `npm run pseudonymise -- --dataset <id> --map <mapping.json> --salt-file <file> [--period YYYY-H1] <in.csv> > out.csv`
// Pseudonymises a raw extract on the partner's own machine, with the same code and mapping format
// as the Pseudonymise page (lib/pseudonymise). The summary goes to stderr; nothing is sent anywhere.
import { runPseudonymiseCli } from "@/lib/pseudonymise/cli";

process.exitCode = await runPseudonymiseCli(process.argv.slice(2), process.stdout, (line) => process.stderr.write(`${line}\n`));
