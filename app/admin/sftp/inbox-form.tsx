"use client";

import { useActionState } from "react";
import { ErrorSummary, summaryItems } from "@/components/form/error-summary";
import { Field } from "@/components/form/field";
import { saveInboxAction } from "./actions";

export interface OrgOption {
  id: string;
  name: string;
}

/** Creates or replaces an organisation's SFTP inbox. Works without JavaScript (server action). */
export function InboxForm({ orgs }: { orgs: OrgOption[] }) {
  const [state, action, pending] = useActionState(saveInboxAction, {});
  const v = state.values ?? {};
  const e = state.errors ?? {};
  return (
    <form action={action} noValidate>
      <ErrorSummary items={summaryItems(state.errors)} />
      {state.ok && (
        <div className="notice-success" role="status">
          <p>{state.message}</p>
        </div>
      )}
      <Field id="orgId" label="Organisation" error={e.orgId}>
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
      <Field id="host" label="Host" hint="The partner's SFTP server, e.g. sftp.basildon.gov.uk" error={e.host}>
        {(d, inv) => (
          <input
            type="text"
            id="host"
            name="host"
            defaultValue={v.host}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="port" label="Port" error={e.port}>
        {(d, inv) => (
          <input
            type="number"
            id="port"
            name="port"
            defaultValue={v.port ?? "22"}
            min={1}
            max={65535}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="username" label="User name" error={e.username}>
        {(d, inv) => (
          <input
            type="text"
            id="username"
            name="username"
            defaultValue={v.username}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="authMethod" label="Sign in with" error={e.authMethod}>
        {(d, inv) => (
          <select id="authMethod" name="authMethod" defaultValue={v.authMethod ?? "private_key"} aria-describedby={d} aria-invalid={inv || undefined}>
            <option value="private_key">Private key</option>
            <option value="password">Password</option>
          </select>
        )}
      </Field>
      <Field
        id="credential"
        label="Private key or password"
        hint="Stored encrypted. Leave empty when editing to keep the stored one."
        error={e.credential}
      >
        {(d, inv) => (
          <textarea
            id="credential"
            name="credential"
            rows={4}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field
        id="hostKeyFingerprint"
        label="Host key fingerprint"
        hint="As ssh-keygen -l -f <host key> prints it: SHA256:… The platform connects to no other key."
        error={e.hostKeyFingerprint}
      >
        {(d, inv) => (
          <input
            type="text"
            id="hostKeyFingerprint"
            name="hostKeyFingerprint"
            defaultValue={v.hostKeyFingerprint}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field
        id="directory"
        label="Inbox directory"
        hint="Where the partner puts files, e.g. /upload. processed/ and rejected/ are created inside it."
        error={e.directory}
      >
        {(d, inv) => (
          <input
            type="text"
            id="directory"
            name="directory"
            defaultValue={v.directory}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
      </Field>
      <Field id="pollIntervalMinutes" label="Poll every (minutes)" error={e.pollIntervalMinutes}>
        {(d, inv) => (
          <input
            type="number"
            id="pollIntervalMinutes"
            name="pollIntervalMinutes"
            defaultValue={v.pollIntervalMinutes ?? "15"}
            min={1}
            max={1440}
            aria-describedby={d}
            aria-invalid={inv || undefined}
          />
        )}
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
