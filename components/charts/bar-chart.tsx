"use client";

import { Bar, BarChart, CartesianGrid, LabelList, Legend, Rectangle, Tooltip, XAxis, YAxis } from "recharts";
import type { BarShapeProps } from "recharts";

export interface BarChartSeries {
  key: string;
  label: string;
}

/*
 * Colours for data series: each has at least 3:1 contrast against the white background (WCAG
 * 1.4.11) and they differ in lightness, so they stay apart in greyscale too. Series are also named
 * in the legend and the table alternative, never by colour alone.
 */
const SERIES_COLOURS = ["#1d70b8", "#801650", "#00703c", "#4c2c92"];

/*
 * Recharts drops zero-length bars before labelling them unless the bar has its own shape, and a
 * withheld bar is drawn at zero length: without this its "[c]" mark would never be drawn.
 */
function barShape(props: BarShapeProps) {
  if (!props.width || !props.height) return <g />;
  return <Rectangle {...props} />;
}

export function ProtectedBarChart(props: {
  title: string;
  category: string;
  series: BarChartSeries[];
  data: Record<string, string | number>[];
  unit: "percent" | "count";
  horizontal?: boolean;
  /**
   * Bars with no value: category → series key → the symbol to draw ("[c]" withheld). Such a bar is
   * drawn at zero length with the symbol beside it, so it never reads as 0 %.
   */
  marks?: Record<string, Record<string, string>>;
}) {
  const { series, unit } = props;
  const marks = props.marks ?? {};
  const data = props.data.map((p) => {
    const m = marks[String(p.category)];
    if (!m) return p;
    const out: Record<string, string | number> = { ...p };
    for (const [key, symbol] of Object.entries(m)) {
      out[key] = 0;
      out[`${key}__mark`] = symbol;
    }
    return out;
  });
  const horizontal = props.horizontal ?? data.length > 8;
  const format = (v: unknown) => (typeof v === "number" ? (unit === "percent" ? `${v.toFixed(1)}%` : v.toLocaleString("en-GB")) : String(v));
  const height = horizontal ? Math.max(220, 40 + data.length * (18 + 10 * series.length)) : 300;
  // Ticks are whole numbers (0%, 25%, …); values keep their one decimal in the tooltip and table.
  const tick = (v: unknown) => (typeof v === "number" ? (unit === "percent" ? `${Math.round(v)}%` : v.toLocaleString("en-GB")) : String(v));
  const valueAxis = {
    type: "number" as const,
    domain: unit === "percent" ? ([0, 100] as [number, number]) : undefined,
    tickFormatter: tick,
    width: 56,
  };
  return (
    <BarChart
      data={data}
      layout={horizontal ? "vertical" : "horizontal"}
      responsive
      width="100%"
      height={height}
      margin={{ top: 8, right: 24, bottom: 8, left: horizontal ? 8 : 0 }}
      title={props.title}
      desc={`Bar chart of ${props.title}. The same figures are in the table below.`}
    >
      <CartesianGrid stroke="#b1b4b6" strokeDasharray="3 3" />
      {horizontal ? (
        <>
          <XAxis {...valueAxis} height={30} stroke="#0b0c0c" />
          <YAxis type="category" dataKey="category" width={180} interval={0} stroke="#0b0c0c" />
        </>
      ) : (
        <>
          <XAxis type="category" dataKey="category" stroke="#0b0c0c" />
          <YAxis {...valueAxis} stroke="#0b0c0c" />
        </>
      )}
      <Tooltip
        formatter={(v, _name, item) => {
          const mark = (item?.payload as Record<string, unknown> | undefined)?.[`${String(item?.dataKey)}__mark`];
          return typeof mark === "string" ? `${mark}: withheld to protect confidentiality` : format(v);
        }}
      />
      {series.length > 1 && <Legend />}
      {series.map((s, i) => (
        <Bar key={s.key} dataKey={s.key} name={s.label} fill={SERIES_COLOURS[i % SERIES_COLOURS.length]} isAnimationActive={false} shape={barShape}>
          <LabelList dataKey={`${s.key}__mark`} position={horizontal ? "right" : "top"} fill="#0b0c0c" fontWeight={700} />
        </Bar>
      ))}
    </BarChart>
  );
}
