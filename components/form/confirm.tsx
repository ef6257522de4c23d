import Link from "next/link";

/**
 * The "are you sure" step of a destructive administration action, as a page state rather than a
 * script dialog: the first button is a link to `?confirm=<what>`, which renders this panel with
 * the real form. It works without JavaScript, is reached and used with the keyboard like any
 * link and button, and a screen reader hears the consequence before the button.
 */
export function ConfirmStep({
  title,
  consequence,
  confirmLabel,
  cancelHref,
  action,
}: {
  title: string;
  consequence: string;
  confirmLabel: string;
  cancelHref: string;
  action: (form: FormData) => void | Promise<void>;
}) {
  return (
    <section className="confirm-step" id="confirm" aria-labelledby="confirm-title">
      <h2 id="confirm-title">{title}</h2>
      <p>{consequence}</p>
      <form action={action} className="button-group">
        <input type="hidden" name="confirmed" value="yes" />
        <button type="submit" className="button button--warning">
          {confirmLabel}
        </button>
        <Link href={cancelHref}>No, go back</Link>
      </form>
    </section>
  );
}

/** The button (a link) that starts the step. */
export function ConfirmButton({ href, children }: { href: string; children: string }) {
  return (
    <Link className="button button--secondary" href={`${href}#confirm`}>
      {children}
    </Link>
  );
}
