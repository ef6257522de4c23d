import type { Metadata } from "next";
import type { ReactNode } from "react";
import { PasswordExpiryNotice } from "@/components/password-expiry-notice";
import { SiteHeader } from "@/components/site-header";
import type { Actor } from "@/lib/actor";
import { currentUser } from "@/lib/auth/access";
import { ROLE_LABELS, ROLE_NAV } from "@/lib/auth/roles";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Essex Data Platform", template: "%s – Essex Data Platform" },
  description: "Pooling pseudonymised partner data to study school readiness safely.",
};

async function signedInUser(): Promise<Actor | null> {
  try {
    return await currentUser();
  } catch {
    // The header must render even when the session store is unreachable; pages that need a
    // user check again through the request adapter (lib/http/adapter.ts) and handle the failure there.
    return null;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await signedInUser();
  return (
    <html lang="en-GB">
      <body>
        <a className="skip-link" href="#main-content">
          Skip to main content
        </a>
        <SiteHeader
          nav={user ? ROLE_NAV[user.role] : []}
          user={user ? { displayName: user.displayName, orgName: user.orgName, roleLabel: ROLE_LABELS[user.role] } : null}
        />
        <main id="main-content" className="main" tabIndex={-1}>
          {user && <PasswordExpiryNotice user={user} />}
          {children}
        </main>
        <footer className="footer">
          <div className="footer__inner">
            Pseudonymised data shared under the Essex Data Platform information-sharing protocol. Outputs are disclosure-controlled: no figure is
            based on 5 or fewer cases.
          </div>
        </footer>
      </body>
    </html>
  );
}
