import type { Metadata } from "next";
import { SPEC_VERSION, describeAllDatasets } from "@/lib/datasets";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Data specification" };

/**
 * The partner data specification, generated from the same registry the upload pipeline, SFTP,
 * the command line and the validator use, so what partners read is what is enforced.
 */
export default definePage("specification", async () => {
  const datasets = describeAllDatasets();
  return (
    <>
      <span className="caption">Version {SPEC_VERSION}</span>
      <h1>Data specification for partners</h1>
      <p className="lead">What each extract must look like. Files that do not follow it are refused with a report of every error.</p>
      <p>
        <a href="/specification/json" download="essex-data-specification.json">
          Download the specification (JSON)
        </a>
      </p>
      <h2>Common rules</h2>
      <ul>
        <li>CSV, UTF-8 (a byte-order mark is allowed), comma-separated, RFC 4180 quoting, one header row.</li>
        <li>Headers are matched case-insensitively, surrounding spaces ignored; column order is free.</li>
        <li>A header not listed for the dataset is refused: an unexpected column may carry identifiers.</li>
        <li>An empty cell means missing, allowed only where a column is optional.</li>
        <li>
          Keys are pseudonyms: 64 hexadecimal characters (SHA-256, as OpenPseudonymiser writes it), any case. A key column holding a name, postcode,
          address, NHS number, date of birth, e-mail or phone number means the file was not pseudonymised: the whole file is deleted and a
          data-protection incident is recorded.
        </li>
        <li>
          By default a file with any error is refused whole; when uploading you may choose to load the valid rows instead. A newer loaded file of the
          same dataset (and batch period) replaces the older one in every analysis.
        </li>
        <li>
          Over SFTP, name each file after its dataset, for example <code>housing-benefits.csv</code> or <code>troubled-families_2016-H1.csv</code>,
          and either add an empty <code>&lt;file&gt;.done</code> marker when the transfer is complete or leave the file unchanged until the next poll.
        </li>
      </ul>
      <nav aria-label="Datasets">
        <h2>Datasets</h2>
        <ul>
          {datasets.map((d) => (
            <li key={d.id}>
              <a href={`#${d.id}`}>{d.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      {datasets.map((d) => (
        <section key={d.id} aria-labelledby={`${d.id}-title`}>
          <h2 id={`${d.id}-title`}>
            <span id={d.id}>{d.title}</span> <code>{d.id}</code>
          </h2>
          <p>
            Supplied by {d.supplier.name ?? "a local authority"}. {d.grain}
            {d.needsPeriod ? " Each upload names its 6-monthly batch (YYYY-H1 or YYYY-H2)." : ""}
          </p>
          <p>
            <a href={`/specification/${d.id}/template`} download={d.templateFileName}>
              Download a CSV template for {d.title}
            </a>
          </p>
          <table>
            <caption>Columns of {d.id}</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Required</th>
                <th scope="col">Format</th>
                <th scope="col">Meaning</th>
              </tr>
            </thead>
            <tbody>
              {d.columns.map((c) => (
                <tr key={c.name}>
                  <th scope="row">
                    <code>{c.name}</code>
                  </th>
                  <td>{c.optional ? "Optional" : "Required"}</td>
                  <td>{c.format}</td>
                  <td>{c.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.rowRules.length > 0 && (
            <>
              <h3>Rules across rows and batches</h3>
              <ul>
                {d.rowRules.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            </>
          )}
          {d.rules.length > 0 && (
            <>
              <h3>Rules across columns</h3>
              <ul>
                {d.rules.map((r) => (
                  <li key={`${r.code}-${r.column}`}>{r.description}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      ))}
    </>
  );
});
