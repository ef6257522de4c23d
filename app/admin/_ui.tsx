import Link from "next/link";
import type { Flash } from "@/lib/http/flash";
import { ErrorSummary, summaryItems } from "@/components/form/error-summary";

export function Notices({ flash, labels = {} }: { flash: Flash | null; labels?: Record<string, string> }) {
  if (!flash) return null;
  return (
    <>
      <ErrorSummary items={summaryItems(flash.errors, labels)} />
      {flash.notice && (
        <div className="notice-success" role="status">
          <p>{flash.notice}</p>
          {flash.activationUrl && (
            <>
              <p>
                The activation link has been e-mailed to the person (see <Link href="/admin/mail">Sent mail</Link> for its delivery). It is shown here
                once, in case you need to give it to them another way; it works once, for 7 days, and is never written to a log:
              </p>
              <p>
                <code className="secret" id="activation-url">
                  {flash.activationUrl}
                </code>
              </p>
            </>
          )}
        </div>
      )}
    </>
  );
}

export function BackLink({ href, children }: { href: string; children: string }) {
  return (
    <p>
      <Link href={href}>{children}</Link>
    </p>
  );
}

export function formatDate(d: Date | null): string {
  if (!d) return "Never";
  return d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/London" });
}
