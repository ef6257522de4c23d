import type { ReactNode } from "react";

// One form field's frame: label, hint, error message, and the ids that tie them to the control
// (aria-describedby, aria-invalid), so every form reads the same to a screen reader.

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="error-message" id={`${id}-error`}>
      <span className="visually-hidden">Error:</span> {message}
    </span>
  );
}

/**
 * A labelled control. `children` renders the control with the `aria-describedby` value and
 * whether it is invalid: `{(describedBy, invalid) => <input id="host" aria-describedby={describedBy} aria-invalid={invalid || undefined} />}`.
 */
export function Field(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : null, props.error ? `${props.id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="form-group">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <span className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      <FieldError id={props.id} message={props.error} />
      {props.children(describedBy, Boolean(props.error))}
    </div>
  );
}
