"use client";

import { useActionState } from "react";
import { ErrorSummary, summaryItems } from "@/components/form/error-summary";
import { Field } from "@/components/form/field";
import type { FormState } from "@/lib/http/form-state";
import { createOrganisationAction, renameOrganisationAction } from "../actions";

const LABELS = { name: "Name", kind: "Kind", dpContactEmail: "Data protection contact", form: "Organisation" };

/** Adding an organisation: a server action with useActionState (works without JavaScript). */
export function CreateOrganisationForm({ kinds }: { kinds: { value: string; label: string }[] }) {
  const [state, action, pending] = useActionState<FormState, FormData>(createOrganisationAction, {});
  const e = state.errors ?? {};
  const v = state.values ?? {};
  return (
    <form action={action} noValidate>
      <ErrorSummary items={summaryItems(state.errors, LABELS)} />
      <Field id="name" label={LABELS.name} error={e.name}>
        {(d, inv) => <input id="name" name="name" type="text" defaultValue={v.name ?? ""} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="kind" label={LABELS.kind} error={e.kind}>
        {(d, inv) => (
          <select id="kind" name="kind" defaultValue={v.kind ?? ""} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="" disabled>
              Choose the kind of organisation
            </option>
            {kinds.map((k) => (
              <option key={k.value} value={k.value}>
                {k.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="dpContactEmail" label={`${LABELS.dpContactEmail} (optional)`} error={e.dpContactEmail}>
        {(d, inv) => (
          <input
            id="dpContactEmail"
            name="dpContactEmail"
            type="email"
            defaultValue={v.dpContactEmail ?? ""}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={pending}>
        Add the organisation
      </button>
    </form>
  );
}

/** Renaming an organisation. */
export function RenameOrganisationForm({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(renameOrganisationAction, {});
  return (
    <form action={action} noValidate>
      <ErrorSummary items={summaryItems(state.errors, LABELS)} />
      <input type="hidden" name="id" value={id} />
      <Field id="name" label={LABELS.name} error={state.errors?.name}>
        {(d, inv) => (
          <input id="name" name="name" type="text" defaultValue={state.values?.name ?? name} aria-describedby={d} aria-invalid={inv || undefined} />
        )}
      </Field>
      <button type="submit" className="button" disabled={pending}>
        Save the name
      </button>
    </form>
  );
}
