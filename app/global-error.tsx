"use client";

import { ServerErrorBody } from "@/components/errors/pages";
import "./globals.css";

// The last resort, when the root layout itself fails: it must bring its own <html> and <body>.
export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  return (
    <html lang="en-GB">
      <head>
        <title>Sorry, there is a problem with the service – Essex Data Platform</title>
      </head>
      <body>
        <main id="main-content" className="main">
          <ServerErrorBody reference={error.digest} />
        </main>
      </body>
    </html>
  );
}
