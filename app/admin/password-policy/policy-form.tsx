"use client";

import { useActionState } from "react";
import { ErrorSummary, summaryItems } from "@/components/form/error-summary";
import { Field } from "@/components/form/field";
import type { FormState } from "@/lib/http/form-state";
import { updatePolicyAction } from "../actions";

export interface PolicyField {
  name: string;
  label: string;
  hint: string;
  suffix: string;
}

/** The password policy, saved by a server action; works without JavaScript (the form posts, the page answers). */
export function PolicyForm({ fields, current }: { fields: readonly PolicyField[]; current: Record<string, string> }) {
  const [state, action, pending] = useActionState<FormState, FormData>(updatePolicyAction, {});
  const e = state.errors ?? {};
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
  return (
    <>
      <ErrorSummary items={summaryItems(state.errors, labels)} />
      {state.ok && (
        <div className="notice-success" role="status">
          <p>{state.message}</p>
        </div>
      )}
      <h1>Password policy</h1>
      <p className="lead">Passwords are also refused when they are common, or contain the person&apos;s e-mail address or name.</p>
      <form action={action} noValidate>
        {fields.map((f) => (
          <Field key={f.name} id={f.name} label={f.label} hint={f.hint} error={e[f.name]}>
            {(describedBy, invalid) => (
              <>
                <input
                  id={f.name}
                  name={f.name}
                  type="text"
                  inputMode="numeric"
                  className="input--code"
                  defaultValue={state.values?.[f.name] ?? current[f.name]}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                />{" "}
                {f.suffix}
              </>
            )}
          </Field>
        ))}
        <button type="submit" className="button" disabled={pending}>
          Save the policy
        </button>
      </form>
    </>
  );
}
