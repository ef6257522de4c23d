import { ROLE_LABELS, ROLES } from "@/lib/auth/roles";
import type { OrganisationRow } from "@/lib/idp/admin";
import { Field } from "@/components/form/field";

export const ACCOUNT_LABELS = {
  email: "E-mail address",
  displayName: "Full name",
  role: "Role",
  orgId: "Organisation",
  externalSubject: "Subject at the organisation's own sign-in service",
  form: "Account",
};

export type AccountValues = { email?: string; displayName?: string; role?: string; orgId?: string; externalSubject?: string | null };

export function AccountFields({
  errors = {},
  orgs,
  values,
}: {
  errors?: Record<string, string>;
  orgs: Pick<OrganisationRow, "id" | "name" | "active">[];
  values: AccountValues;
}) {
  const v = values;
  return (
    <>
      <Field id="displayName" label={ACCOUNT_LABELS.displayName} error={errors.displayName}>
        {(d, inv) => (
          <input
            id="displayName"
            name="displayName"
            type="text"
            autoComplete="off"
            defaultValue={v.displayName ?? ""}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="email" label={ACCOUNT_LABELS.email} error={errors.email}>
        {(d, inv) => (
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="off"
            spellCheck={false}
            defaultValue={v.email ?? ""}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="role" label={ACCOUNT_LABELS.role} error={errors.role}>
        {(d, inv) => (
          <select id="role" name="role" defaultValue={v.role ?? ""} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="" disabled>
              Choose a role
            </option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="orgId" label={ACCOUNT_LABELS.orgId} error={errors.orgId}>
        {(d, inv) => (
          <select id="orgId" name="orgId" defaultValue={v.orgId ?? ""} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="" disabled>
              Choose an organisation
            </option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
                {o.active ? "" : " (inactive)"}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        id="externalSubject"
        label={`${ACCOUNT_LABELS.externalSubject} (optional)`}
        hint={`Only when the portal signs in through the organisation's own service (for example Keycloak): the user's "sub" there.`}
        error={errors.externalSubject}
      >
        {(d, inv) => (
          <input
            id="externalSubject"
            name="externalSubject"
            type="text"
            autoComplete="off"
            spellCheck={false}
            defaultValue={v.externalSubject ?? ""}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
    </>
  );
}
