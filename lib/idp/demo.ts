import "server-only";
import { randomInt } from "node:crypto";
import { recordAudit } from "@/lib/audit/record";
import { publicUrl } from "@/lib/auth/config";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { withContext } from "@/lib/db/tenant";
import type { Role } from "@/lib/generated/prisma/enums";
import { provisionAccount } from "./admin";

export const DEMO_ACCOUNTS: { email: string; displayName: string; role: Role; org: string }[] = [
  { email: "admin@platform.example", displayName: "Platform Administrator", role: "administrator", org: "platform-operations" },
  { email: "analyst@basildon.example", displayName: "Basildon Analyst", role: "partner_analyst", org: "basildon-borough-council" },
  { email: "analyst@essex.example", displayName: "Essex County Analyst", role: "partner_analyst", org: "essex-county-council" },
  { email: "analyst@essex-police.example", displayName: "Essex Police Analyst", role: "partner_analyst", org: "essex-police" },
  { email: "researcher@essex-university.example", displayName: "University Researcher", role: "researcher", org: "university-of-essex" },
  { email: "approver@essex.example", displayName: "County Data Owner", role: "approver", org: "essex-county-council" },
  { email: "dpo@essex.example", displayName: "County Data-Protection Officer", role: "dpo", org: "essex-county-council" },
];

// Words for demo passwords: easy to read out and type, and each password differs per
// installation, so a demo left reachable on a network is not open to a published password.
const WORDS = [
  "anchor",
  "basalt",
  "beacon",
  "bramble",
  "canvas",
  "cedar",
  "cobalt",
  "copper",
  "dune",
  "ember",
  "fennel",
  "fjord",
  "garnet",
  "glacier",
  "harbour",
  "heron",
  "indigo",
  "juniper",
  "kestrel",
  "lantern",
  "lichen",
  "marble",
  "meadow",
  "nectar",
  "oak",
  "orbit",
  "otter",
  "pebble",
  "pewter",
  "quartz",
  "quill",
  "raven",
  "saffron",
  "sorrel",
  "spruce",
  "thistle",
  "tundra",
  "umber",
  "velvet",
  "walnut",
  "willow",
  "yarrow",
  "zephyr",
];

function demoPassword(): string {
  const w = () => WORDS[randomInt(WORDS.length)]!;
  // Four words: three and a number fall short of the strength estimate often enough (decision 083).
  return `${w()}-${w()}-${w()}-${w()}-${randomInt(10, 100)}`;
}

/** The first-run step: one account per demo role, each with a fresh password for the banner. */
export async function seedDemoAccounts(now = new Date()): Promise<{ notes: string[] }> {
  const created = await withContext({ kind: "system", purpose: "demo-seed" }, async (tx) => {
    const out: { email: string; role: Role; org: string; password: string }[] = [];
    for (const a of DEMO_ACCOUNTS) {
      const org = await tx.organisation.findUnique({ where: { slug: a.org } });
      if (!org) throw new Error(`demo organisation ${a.org} is missing: the "organisations" step must run first`);
      for (let attempt = 0; ; attempt++) {
        const password = demoPassword();
        const { result } = await provisionAccount(tx, { ...a, orgId: org.id, password }, now);
        if (result.ok) {
          out.push({ email: a.email, role: a.role, org: org.name, password });
          break;
        }
        if (attempt > 5) throw new Error(`could not make a demo password for ${a.email} that meets the policy`);
      }
    }
    await recordAudit(tx, {
      action: "demo.seed_accounts",
      outcome: "success",
      actor: { label: "system:first-run" },
      details: { accounts: out.length },
    });
    return out;
  });
  const width = Math.max(...created.map((c) => c.email.length));
  return {
    notes: [
      `Sign in at ${publicUrl()}/signin with a demo account:`,
      ...created.map((c) => `  ${c.email.padEnd(width)}  password: ${c.password}   (${ROLE_LABELS[c.role]}, ${c.org})`),
      "The first sign-in of each account asks you to scan a QR code with an authenticator app",
      "(or type the secret shown into it); after that, sign-in asks for the app's 6-digit code.",
    ],
  };
}
