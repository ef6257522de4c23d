"use client";

import { ServerErrorBody } from "@/components/errors/pages";

// Any error a page throws while rendering ends here, inside the site's layout, instead of a bare 500.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ServerErrorBody
      reference={error.digest}
      retry={
        <p>
          <button type="button" className="button" onClick={() => reset()}>
            Try again
          </button>
        </p>
      }
    />
  );
}
