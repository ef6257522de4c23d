"use client";

import { useActionState } from "react";
import { saveInboxAction, type InboxFormState } from "./actions";

export interface OrgOption {
  id: string;
  name: string;
}

function Field(props: { id: string; label: string; hint?: string; state: InboxFormState; children: (describedBy: string | undefined, invalid: boolean) => React.ReactNode }) {
  const error = props.state.errors?.[props.id];
  const describedBy = [props.hint ? `${props.id}-hint` : null, error ? `${props.id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="form-group">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <span className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {error && (
        <span className="error-message" id={`${props.id}-error`}>
          {error}
        </span>
      )}
      {props.children(describedBy, Boolean(error))}
    </div>
  );
}

/** Creates or replaces an organisation's SFTP inbox. Works without JavaScript (server action). */
export function InboxForm({ orgs }: { orgs: OrgOption[] }) {
  const [state, action, pending] = useActionState(saveInboxAction, {});
  const v = state.values ?? {};
  const errors = Object.entries(state.errors ?? {});
  return (
    <form action={action} noValidate>
      {errors.length > 0 && (
        <div className="notice-error" role="alert">
          <h2>There is a problem</h2>
          <ul>
            {errors.map(([field, message]) => (
              <li key={field}>
                <a href={`#${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {state.ok && (
        <div className="notice-success" role="status">
          <p>{state.message}</p>
        </div>
      )}
      <Field id="orgId" label="Organisation" state={state}>
        {(d, inv) => (
          <select id="orgId" name="orgId" defaultValue={v.orgId ?? ""} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="">Choose an organisation</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="host" label="Host" hint="The partner's SFTP server, e.g. sftp.basildon.gov.uk" state={state}>
        {(d, inv) => <input type="text" id="host" name="host" defaultValue={v.host} autoComplete="off" spellCheck={false} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="port" label="Port" state={state}>
        {(d, inv) => <input type="number" id="port" name="port" defaultValue={v.port ?? "22"} min={1} max={65535} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="username" label="User name" state={state}>
        {(d, inv) => <input type="text" id="username" name="username" defaultValue={v.username} autoComplete="off" spellCheck={false} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="authMethod" label="Sign in with" state={state}>
        {(d, inv) => (
          <select id="authMethod" name="authMethod" defaultValue={v.authMethod ?? "private_key"} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="private_key">Private key</option>
            <option value="password">Password</option>
          </select>
        )}
      </Field>
      <Field id="credential" label="Private key or password" hint="Stored encrypted. Leave empty when editing to keep the stored one." state={state}>
        {(d, inv) => <textarea id="credential" name="credential" rows={4} autoComplete="off" spellCheck={false} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="hostKeyFingerprint" label="Host key fingerprint" hint="As ssh-keygen -l -f <host key> prints it: SHA256:… The platform connects to no other key." state={state}>
        {(d, inv) => <input type="text" id="hostKeyFingerprint" name="hostKeyFingerprint" defaultValue={v.hostKeyFingerprint} autoComplete="off" spellCheck={false} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="directory" label="Inbox directory" hint="Where the partner puts files, e.g. /upload. processed/ and rejected/ are created inside it." state={state}>
        {(d, inv) => <input type="text" id="directory" name="directory" defaultValue={v.directory} autoComplete="off" spellCheck={false} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <Field id="pollIntervalMinutes" label="Poll every (minutes)" state={state}>
        {(d, inv) => <input type="number" id="pollIntervalMinutes" name="pollIntervalMinutes" defaultValue={v.pollIntervalMinutes ?? "15"} min={1} max={1440} aria-describedby={d} aria-invalid={inv || undefined} />}
      </Field>
      <div className="form-group">
        <input type="checkbox" id="enabled" name="enabled" defaultChecked={v.enabled ? v.enabled === "on" : true} />{" "}
        <label htmlFor="enabled" style={{ display: "inline" }}>
          Poll this inbox
        </label>
      </div>
      <button type="submit" className="button" disabled={pending}>
        Save inbox
      </button>
    </form>
  );
}
