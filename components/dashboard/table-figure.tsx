import { ProtectedBarChart } from "@/components/charts/bar-chart";
import type { DisplayTable } from "@/lib/dashboards/vange";
import { chartMarks } from "./chart-marks";

/**
 * One protected table: its chart, the same figures as a real table (on request), the note on
 * suppressed values and a CSV of exactly the table shown.
 */
export function TableFigure({
  table,
  csvHref,
  releaseHref,
  headingLevel = 3,
}: {
  table: DisplayTable;
  /** Omitted where there is nothing to download yet (a release request under review). */
  csvHref?: string;
  /** For researchers: adds this table, as defined, to a release request. */
  releaseHref?: string;
  headingLevel?: 3 | 4;
}) {
  const Heading = headingLevel === 3 ? "h3" : "h4";
  const headingId = `t-${table.id}`;
  const hasData = table.chart.data.some((d) => table.chart.series.some((s) => typeof d[s.key] === "number"));
  const marks = chartMarks(table);
  return (
    <section className="figure" aria-labelledby={headingId}>
      <Heading id={headingId}>{table.title}</Heading>
      <p className="hint">{table.measure}</p>
      {hasData ? (
        <div className="chart" data-testid={`chart-${table.id}`}>
          <ProtectedBarChart
            title={table.title}
            category={table.chart.category}
            series={table.chart.series}
            data={table.chart.data}
            unit={table.chart.unit}
            marks={marks}
          />
        </div>
      ) : (
        <p className="inset">Every value of this chart is withheld to protect confidentiality; nothing can be drawn.</p>
      )}
      {table.chart.note && <p className="hint chart-note">Chart: {table.chart.note} Those bars are marked [c] and drawn with no length.</p>}
      <details>
        <summary>Show the figures as a table</summary>
        <table>
          <caption>
            {table.title}: {table.measure}
          </caption>
          <thead>
            <tr>
              {table.header.map((h, i) => (
                <th key={h} scope="col" className={i > 0 ? "num" : undefined}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((r) => (
              <tr key={r[0]}>
                <th scope="row">{r[0]}</th>
                {r.slice(1).map((v, i) => (
                  <td key={i} className="num">
                    {v}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {table.note && <p className="hint">{table.note}</p>}
      </details>
      {csvHref && (
        <p>
          <a href={csvHref} download>
            Download CSV for analysis (not approved for publication)<span className="visually-hidden"> of {table.title}</span>
          </a>
        </p>
      )}
      {releaseHref && (
        <p>
          <a href={releaseHref}>
            Request release for publication<span className="visually-hidden"> of {table.title}</span>
          </a>
        </p>
      )}
    </section>
  );
}
