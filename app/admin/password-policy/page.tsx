import type { Metadata } from "next";
import { getPolicy } from "@/lib/idp/admin";
import { readFlash } from "@/lib/http/flash";
import { FieldError, Notices } from "../_ui";
import { updatePolicyAction } from "../actions";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Password policy" };
export const dynamic = "force-dynamic";

const FIELDS = [
  { name: "minLength", label: "Minimum length", hint: "Characters. 12 or more.", suffix: "characters" },
  { name: "historyCount", label: "Passwords remembered", hint: "A new password may not be one of this many previous ones.", suffix: "passwords" },
  { name: "maxAgeDays", label: "Maximum age", hint: "After this the next sign-in forces a change. The agreements ask for 180 days.", suffix: "days" },
  { name: "warnDays", label: "Warn before expiry", hint: "Sign-in offers an early change from this many days before.", suffix: "days" },
  { name: "lockoutThreshold", label: "Failed attempts before locking", hint: "Wrong passwords or codes in a row. The wait then doubles with each further failure.", suffix: "attempts" },
] as const;

export default definePage("admin.password-policy", async ({ actor: admin, searchParams }) => {
  const flash = await readFlash(searchParams.f);
  const policy = await getPolicy(admin);
  return (
    <>
      <Notices flash={flash} labels={Object.fromEntries(FIELDS.map((f) => [f.name, f.label]))} />
      <h1>Password policy</h1>
      <p className="lead">Passwords are also refused when they are common, or contain the person&apos;s e-mail address or name.</p>
      <form action={updatePolicyAction} noValidate>
        {FIELDS.map((f) => (
          <div className="form-group" key={f.name}>
            <label htmlFor={f.name}>{f.label}</label>
            <span className="hint" id={`${f.name}-hint`}>
              {f.hint}
            </span>
            <FieldError flash={flash} field={f.name} />
            <input
              id={f.name}
              name={f.name}
              type="text"
              inputMode="numeric"
              className="input--code"
              defaultValue={flash?.values?.[f.name] ?? String(policy[f.name])}
              aria-describedby={`${f.name}-hint`}
            />{" "}
            {f.suffix}
          </div>
        ))}
        <button type="submit" className="button">
          Save the policy
        </button>
      </form>
    </>
  );
});
