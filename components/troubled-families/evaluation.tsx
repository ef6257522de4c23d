import { ProtectedBarChart } from "@/components/charts/bar-chart";
import type { ProtectedTable } from "@/lib/disclosure";
import { formatValue } from "@/lib/disclosure/render";
import { CRITERION_LABELS } from "@/lib/troubled-families/evaluate";
import type { PublishedEvaluation, PublishedGroupOutcome, PublishedOutcome, Shown } from "@/lib/troubled-families/publish";
import type { Interval } from "@/lib/troubled-families/stats";

/** Two decimals for per-person counts, one for percentages and rates. */
const digits = (o: PublishedOutcome) => (o.outcome === "absence_rate" || o.outcome === "out_of_work_benefits" ? 1 : 2);
const fmt = (v: number, d: number) => (Number.isFinite(v) ? v.toLocaleString("en-GB", { minimumFractionDigits: d, maximumFractionDigits: d }) : "–");
const signed = (v: number, d: number) => (v > 0 ? "+" : "") + fmt(v, d);
const ci = (i: Interval, d: number) => `${signed(i.estimate, d)} (${fmt(i.lower, d)} to ${fmt(i.upper, d)})`;

const GROUPS = [
  { key: "treatment", label: "Treatment" },
  { key: "comparison", label: "Comparison" },
] as const;

function countCell(table: ProtectedTable | undefined, group: string | null): string {
  const cell = table?.cells.find((c) => c.key.group === group);
  return cell ? formatValue(cell.value, "count") : "–";
}

/** Families by group and the criteria they meet: counts, protected like every published count. */
export function FamilyCounts({ published }: { published: PublishedEvaluation }) {
  const tables = new Map(published.counts.tables.map((t) => [t.id, t]));
  const families = tables.get("families");
  return (
    <>
      <table>
        <caption>Families in the evaluation, by group</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className="num">
              Families
            </th>
          </tr>
        </thead>
        <tbody>
          {GROUPS.map((g) => (
            <tr key={g.key}>
              <th scope="row">{g.label}</th>
              <td className="num">{countCell(families, g.key)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">Total</th>
            <td className="num">{countCell(families, null)}</td>
          </tr>
        </tbody>
      </table>
      <table>
        <caption>Families meeting each headline criterion (a family meets at least two)</caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            {GROUPS.map((g) => (
              <th key={g.key} scope="col" className="num">
                {g.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {CRITERION_LABELS.map((label, k) => (
            <tr key={label}>
              <th scope="row">{label}</th>
              {GROUPS.map((g) => (
                <td key={g.key} className="num">
                  {countCell(tables.get(`criterion_${k + 1}`), g.key)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Withheld({ reason }: { reason: string }) {
  return <span className="withheld">[c] {reason}</span>;
}

function groupCells(g: Shown<PublishedGroupOutcome>, d: number) {
  if (!g.shown) {
    return (
      <td colSpan={3}>
        <Withheld reason={g.reason} />
      </td>
    );
  }
  return (
    <>
      <td className="num">{fmt(g.value.before, d)}</td>
      <td className="num">{fmt(g.value.after, d)}</td>
      <td className="num">{ci(g.value.change, d)}</td>
    </>
  );
}

/**
 * The two estimates of the programme's effect on an outcome as a forest plot: a point and its
 * 95 % interval on one axis with the line of no effect. Decorative for screen readers: the same
 * numbers are in the table beside it.
 */
function ForestPlot({ rows, unit }: { rows: { label: string; interval: Interval }[]; unit: string }) {
  if (rows.length === 0) return null;
  const lo = Math.min(0, ...rows.map((r) => r.interval.lower));
  const hi = Math.max(0, ...rows.map((r) => r.interval.upper));
  const pad = (hi - lo) * 0.1 || 1;
  const [min, max] = [lo - pad, hi + pad];
  const width = 480;
  const left = 190;
  const x = (v: number) => left + ((v - min) / (max - min)) * (width - left - 20);
  const rowHeight = 34;
  const height = rows.length * rowHeight + 34;
  return (
    <svg
      className="forest-plot"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={`Forest plot of the estimated effect, in ${unit}; the figures are in the table.`}
    >
      <line x1={x(0)} x2={x(0)} y1={4} y2={height - 26} stroke="#0b0c0c" strokeDasharray="4 3" />
      <text x={x(0)} y={height - 8} textAnchor="middle" fontSize="13">
        0 (no effect)
      </text>
      {rows.map((r, i) => {
        const y = 20 + i * rowHeight;
        return (
          <g key={r.label}>
            <text x={0} y={y + 5} fontSize="14">
              {r.label}
            </text>
            <line x1={x(r.interval.lower)} x2={x(r.interval.upper)} y1={y} y2={y} stroke="#1d70b8" strokeWidth={3} />
            <rect x={x(r.interval.estimate) - 5} y={y - 5} width={10} height={10} fill="#1d70b8" />
          </g>
        );
      })}
    </svg>
  );
}

/**
 * Each group's mean before and after as bars (the table above holds the same figures); a withheld
 * group is drawn with no length and marked [c], so it never reads as zero.
 */
function BeforeAfterChart({ outcome }: { outcome: PublishedOutcome }) {
  const data: Record<string, string | number>[] = [];
  const marks: Record<string, Record<string, string>> = {};
  for (const g of GROUPS) {
    const shown = outcome.naive[g.key];
    if (shown.shown) data.push({ category: g.label, before: shown.value.before, after: shown.value.after });
    else {
      data.push({ category: g.label, before: 0, after: 0 });
      marks[g.label] = { before: "[c]", after: "[c]" };
    }
  }
  if (Object.keys(marks).length === GROUPS.length) return null;
  const percent = outcome.outcome === "absence_rate" || outcome.outcome === "out_of_work_benefits";
  return (
    <div className="chart" data-testid={`chart-${outcome.outcome}`}>
      <ProtectedBarChart
        title={`${outcome.label}, before and after`}
        category="Group"
        series={[
          { key: "before", label: "12 months before" },
          { key: "after", label: "12 months after" },
        ]}
        data={data}
        unit={percent ? "percent" : "count"}
        marks={marks}
      />
    </div>
  );
}

/** One outcome: each group before and after, the difference in differences unmatched and matched. */
export function OutcomeFigure({ outcome }: { outcome: PublishedOutcome }) {
  const d = digits(outcome);
  const forest = [
    ...(outcome.did.shown ? [{ label: "Unmatched comparison", interval: outcome.did.value }] : []),
    ...(outcome.matched.shown ? [{ label: "Matched comparison", interval: outcome.matched.value.did }] : []),
  ];
  return (
    <section className="figure" aria-labelledby={`o-${outcome.outcome}`}>
      <h3 id={`o-${outcome.outcome}`}>{outcome.label}</h3>
      <p className="hint">In {outcome.unit}, in the 12 months before and after the family joined (or was found eligible).</p>
      <table>
        <caption>
          {outcome.label}: before, after and change ({outcome.unit}; change with its 95 % confidence interval)
        </caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col" className="num">
              Before
            </th>
            <th scope="col" className="num">
              After
            </th>
            <th scope="col" className="num">
              Change (95 % CI)
            </th>
          </tr>
        </thead>
        <tbody>
          {GROUPS.map((g) => (
            <tr key={g.key}>
              <th scope="row">{g.label}</th>
              {groupCells(outcome.naive[g.key], d)}
            </tr>
          ))}
          {outcome.matched.shown && (
            <>
              <tr>
                <th scope="row">Treatment, matched</th>
                {groupCells({ shown: true, value: outcome.matched.value.treatment }, d)}
              </tr>
              <tr>
                <th scope="row">Comparison, matched</th>
                {groupCells({ shown: true, value: outcome.matched.value.comparison }, d)}
              </tr>
            </>
          )}
        </tbody>
      </table>
      <table>
        <caption>{outcome.label}: estimated effect of the programme (difference in differences, 95 % confidence interval)</caption>
        <thead>
          <tr>
            <th scope="col">Comparison</th>
            <th scope="col" className="num">
              Effect (95 % CI)
            </th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Unmatched comparison group</th>
            <td className="num">{outcome.did.shown ? ci(outcome.did.value, d) : <Withheld reason={outcome.did.reason} />}</td>
          </tr>
          <tr>
            <th scope="row">Matched comparison group (propensity score)</th>
            <td className="num">{outcome.matched.shown ? ci(outcome.matched.value.did, d) : <Withheld reason={outcome.matched.reason} />}</td>
          </tr>
        </tbody>
      </table>
      <BeforeAfterChart outcome={outcome} />
      <ForestPlot rows={forest} unit={outcome.unit} />
    </section>
  );
}

/** How alike the matched groups are: standardised differences only, never the groups' values. */
export function BalanceTable({ published }: { published: PublishedEvaluation }) {
  if (!published.balance.shown) return <p className="inset">{published.balance.reason}</p>;
  return (
    <table>
      <caption>Balance of the groups: standardised mean differences before and after matching (below 0.1 is usually taken as balanced)</caption>
      <thead>
        <tr>
          <th scope="col">Characteristic</th>
          <th scope="col" className="num">
            Before matching
          </th>
          <th scope="col" className="num">
            After matching
          </th>
        </tr>
      </thead>
      <tbody>
        {published.balance.value.map((b) => (
          <tr key={b.covariate}>
            <th scope="row">{b.covariate}</th>
            <td className="num">{fmt(b.before, 2)}</td>
            <td className="num">{fmt(b.after, 2)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
