// What a useActionState form gets back from its server action (lib/http/adapter.ts defineAction).
// Type only, and free of server code, so client forms import it.

export interface FormState {
  ok?: boolean;
  /** A notice for the whole form (success, or a refusal that names no field). */
  message?: string;
  /** Field name → plain message ("form" for the whole form). */
  errors?: Record<string, string>;
  /** What was typed, sent back with errors so nothing has to be typed again (never a secret). */
  values?: Record<string, string>;
}
