import Link from "next/link";
import { linesInWords, listInWords, plainRule } from "@/lib/ingest/incident";
import type { ReportSummary } from "@/lib/ingest/pipeline";

/**
 * What an analyst reads when their file was deleted as un-pseudonymised: which columns and
 * which lines looked like identifiers (never the values), what the platform did, what to do.
 */
export function IncidentGuidance({ incident }: { incident: NonNullable<ReportSummary["incident"]> }) {
  const columns = incident.columns ?? [];
  const n = incident.cellCount;
  return (
    <div className="notice-error">
      <h2>This file was deleted: it was not pseudonymised</h2>
      <p>
        {n} cell{n === 1 ? "" : "s"} looked like personal details in clear. The values are not shown here or kept anywhere.
      </p>
      {columns.length > 0 ? (
        <table>
          <caption>Where identifiers were found</caption>
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Looked like</th>
              <th scope="col">Lines</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.column}>
                <th scope="row">
                  <code>{c.column}</code>
                </th>
                <td>{listInWords(c.rules.map(plainRule))}</td>
                <td>{linesInWords(c.lines, c.cells)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>It looked like it held {listInWords(Object.keys(incident.rules).map(plainRule))}.</p>
      )}
      <h3>What the platform did</h3>
      <p>
        Every copy of the file we received was deleted and nothing was loaded. A data-protection incident was recorded and your organisation&apos;s
        data-protection contact has been told.
      </p>
      <h3>What to do</h3>
      <ol>
        <li>Open the extract and look at the lines above.</li>
        <li>
          Remove those columns, or pseudonymise them at source with OpenPseudonymiser: keys are 64 hexadecimal characters, and a date of birth is sent
          as a month only (such as 2011-03).
        </li>
        <li>Check no other column carries names, dates of birth, postcodes, addresses, NHS numbers, phone numbers or e-mail addresses.</li>
        <li>
          <Link href="/uploads/new">Upload the corrected file</Link>. If you are unsure, ask your organisation&apos;s data-protection contact before
          sending it again.
        </li>
      </ol>
    </div>
  );
}
