// The one error summary of the portal (GOV.UK pattern): a list at the top of the form, each
// problem a link to its field. Plain markup, so server pages and client forms both use it.

export interface ErrorSummaryItem {
  href: string;
  text: string;
}

export function ErrorSummary({ title = "There is a problem", items }: { title?: string; items: ErrorSummaryItem[] }) {
  if (items.length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {items.map((i) => (
          <li key={`${i.href}|${i.text}`}>
            <a href={i.href}>{i.text}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Field errors (field name → message, "form" for the whole form) as summary items; `labels` prefix a field's name. */
export function summaryItems(errors: Record<string, string> | undefined, labels: Record<string, string> = {}): ErrorSummaryItem[] {
  return Object.entries(errors ?? {}).map(([field, message]) => ({
    href: `#${field}`,
    text: labels[field] ? `${labels[field]}: ${message}` : message,
  }));
}
