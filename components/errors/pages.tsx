import Link from "next/link";
import type { ReactNode } from "react";

// The bodies of the portal's error pages (app/not-found.tsx, app/forbidden.tsx, app/error.tsx,
// app/global-error.tsx). Plain words: what happened, a way back, who to ask. Never a stack trace.

export function NotFoundBody() {
  return (
    <>
      <h1>Page not found</h1>
      <p>If you typed the web address, check it is correct.</p>
      <p>If you pasted the web address, check you copied the entire address.</p>
      <p>If the page was an upload, an account or an organisation, it may have been removed, or it may belong to another organisation.</p>
      <p>
        <Link href="/">Go to the start page</Link>
      </p>
    </>
  );
}

export function ForbiddenBody({ roleLabel, home }: { roleLabel: string | null; home: { href: string; label: string } | null }) {
  return (
    <>
      <h1>You cannot use this page</h1>
      <p className="lead">Your role does not allow this{roleLabel ? `: you are signed in as a ${roleLabel.toLowerCase()}` : ""}.</p>
      <p>
        Each role sees only what it needs: partner analysts their organisation&apos;s uploads, researchers the dashboards, administrators the
        administration pages.
      </p>
      <h2>What you can do</h2>
      <ul>
        <li>
          {home ? (
            <Link href={home.href}>Go back to {home.label.charAt(0).toLowerCase() + home.label.slice(1)}</Link>
          ) : (
            <Link href="/">Go to the start page</Link>
          )}
        </li>
        <li>
          If you need this page for your work, ask a portal administrator to change your role. Partner analysts should first ask their
          organisation&apos;s data-protection contact, who agrees what each organisation may see.
        </li>
      </ul>
    </>
  );
}

export function ServerErrorBody({ reference, retry }: { reference?: string; retry?: ReactNode }) {
  return (
    <>
      <h1>Sorry, there is a problem with the service</h1>
      <p>Something went wrong on our side. Nothing you were doing was saved half-way: try again in a moment.</p>
      {retry}
      <p>
        If it keeps happening, tell a portal administrator
        {reference ? (
          <>
            {" "}
            and quote the reference <code>{reference}</code>
          </>
        ) : null}
        .
      </p>
      <p>
        <Link href="/">Go to the start page</Link>
      </p>
    </>
  );
}
