import { ROLE_LABELS, ROLES } from "@/lib/auth/roles";
import type { OrganisationRow } from "@/lib/idp/admin";
import type { Flash } from "@/lib/http/flash";
import { FieldError } from "../_ui";

export const ACCOUNT_LABELS = {
  email: "E-mail address",
  displayName: "Full name",
  role: "Role",
  orgId: "Organisation",
  externalSubject: "Subject at the organisation's own sign-in service",
  form: "Account",
};

export function AccountFields({
  flash,
  orgs,
  values,
}: {
  flash: Flash | null;
  orgs: OrganisationRow[];
  values: { email?: string; displayName?: string; role?: string; orgId?: string; externalSubject?: string | null };
}) {
  const v = { ...values, ...(flash?.values ?? {}) };
  const invalid = (f: string) => (flash?.errors?.[f] ? { "aria-invalid": true, "aria-describedby": `${f}-error` } : {});
  return (
    <>
      <div className="form-group">
        <label htmlFor="displayName">{ACCOUNT_LABELS.displayName}</label>
        <FieldError flash={flash} field="displayName" />
        <input id="displayName" name="displayName" type="text" autoComplete="off" defaultValue={v.displayName ?? ""} {...invalid("displayName")} />
      </div>
      <div className="form-group">
        <label htmlFor="email">{ACCOUNT_LABELS.email}</label>
        <FieldError flash={flash} field="email" />
        <input id="email" name="email" type="email" autoComplete="off" spellCheck={false} defaultValue={v.email ?? ""} {...invalid("email")} />
      </div>
      <div className="form-group">
        <label htmlFor="role">{ACCOUNT_LABELS.role}</label>
        <FieldError flash={flash} field="role" />
        <select id="role" name="role" defaultValue={v.role ?? ""} {...invalid("role")}>
          <option value="" disabled>
            Choose a role
          </option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="form-group">
        <label htmlFor="orgId">{ACCOUNT_LABELS.orgId}</label>
        <FieldError flash={flash} field="orgId" />
        <select id="orgId" name="orgId" defaultValue={v.orgId ?? ""} {...invalid("orgId")}>
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
      </div>
      <div className="form-group">
        <label htmlFor="externalSubject">{ACCOUNT_LABELS.externalSubject} (optional)</label>
        <span className="hint" id="externalSubject-hint">
          Only when the portal signs in through the organisation&apos;s own service (for example Keycloak): the user&apos;s
          &quot;sub&quot; there.
        </span>
        <FieldError flash={flash} field="externalSubject" />
        <input
          id="externalSubject"
          name="externalSubject"
          type="text"
          autoComplete="off"
          spellCheck={false}
          defaultValue={v.externalSubject ?? ""}
          aria-describedby="externalSubject-hint"
        />
      </div>
    </>
  );
}
