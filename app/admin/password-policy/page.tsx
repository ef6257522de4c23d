import type { Metadata } from "next";
import { getPolicy } from "@/lib/idp/admin";
import { PolicyForm } from "./policy-form";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Password policy" };
export const dynamic = "force-dynamic";

const FIELDS = [
  { name: "minLength", label: "Minimum length", hint: "Characters. 12 or more.", suffix: "characters" },
  { name: "historyCount", label: "Passwords remembered", hint: "A new password may not be one of this many previous ones.", suffix: "passwords" },
  { name: "maxAgeDays", label: "Maximum age", hint: "After this the next sign-in forces a change. The agreements ask for 180 days.", suffix: "days" },
  { name: "warnDays", label: "Warn before expiry", hint: "Sign-in offers an early change from this many days before.", suffix: "days" },
  {
    name: "lockoutThreshold",
    label: "Failed attempts before locking",
    hint: "Wrong passwords or codes in a row. The wait then doubles with each further failure.",
    suffix: "attempts",
  },
] as const;

export default definePage("admin.password-policy", async ({ actor }) => {
  const policy = await getPolicy(actor);
  return <PolicyForm fields={FIELDS} current={Object.fromEntries(FIELDS.map((f) => [f.name, String(policy[f.name])]))} />;
});
