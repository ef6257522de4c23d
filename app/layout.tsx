import type { Metadata } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "@/components/site-header";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Essex Data Platform", template: "%s – Essex Data Platform" },
  description: "Pooling pseudonymised partner data to study school readiness safely.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en-GB">
      <body>
        <a className="skip-link" href="#main-content">
          Skip to main content
        </a>
        <SiteHeader />
        <main id="main-content" className="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="footer">
          <div className="footer__inner">
            Pseudonymised data shared under the Essex Data Platform information-sharing protocol. Outputs are
            disclosure-controlled: no figure is based on 5 or fewer cases.
          </div>
        </footer>
      </body>
    </html>
  );
}
