import "server-only";
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { DisplayTable } from "@/lib/dashboards/vange";
import { AUDIENCE_LABELS, type Audience, type CheckReport } from "./types";

export interface ReportInput {
  label: string;
  title: string;
  purpose: string;
  audience: Audience;
  releasedAt: Date;
  requestedBy: string;
  organisation: string;
  version: number;
  reviews: { reviewer: string; decision: string; comment: string; at: Date }[];
  report: CheckReport;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const INK = rgb(0.05, 0.05, 0.05);
const GREY = rgb(0.35, 0.35, 0.35);
const BAR = rgb(0.11, 0.44, 0.69);
const RULE = rgb(0.7, 0.7, 0.7);

// The standard fonts encode WinAnsi only: anything else is spelt out or replaced, never dropped silently.
function safe(text: string): string {
  return text
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\u2264/g, "<=")
    .replace(/\u2265/g, ">=")
    .replace(/[^\x20-\x7e\u00a0-\u00ff\u2013\u2014\u2022\u20ac]/g, "?");
}

/** Lays text out top-down on A4 pages, starting a new page when one is full. */
class Writer {
  page!: PDFPage;
  y = 0;
  pages = 0;

  constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    private readonly footer: string,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage(A4);
    this.pages++;
    this.y = A4[1] - MARGIN;
    this.page.drawText(safe(`${this.footer} - page ${this.pages}`), { x: MARGIN, y: 25, size: 8, font: this.font, color: GREY });
  }

  need(height: number): void {
    if (this.y - height < MARGIN) this.newPage();
  }

  /** Wrapped paragraph. */
  text(text: string, opts: { size?: number; bold?: boolean; color?: ReturnType<typeof rgb>; gap?: number } = {}): void {
    const size = opts.size ?? 10;
    const font = opts.bold ? this.bold : this.font;
    const width = A4[0] - 2 * MARGIN;
    const lines: string[] = [];
    for (const para of text.split("\n")) {
      let line = "";
      for (const word of safe(para).split(" ")) {
        const next = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(next, size) > width && line) {
          lines.push(line);
          line = word;
        } else line = next;
      }
      lines.push(line);
    }
    for (const line of lines) {
      this.need(size * 1.4);
      this.y -= size * 1.3;
      this.page.drawText(line, { x: MARGIN, y: this.y, size, font, color: opts.color ?? INK });
    }
    this.y -= opts.gap ?? size * 0.6;
  }

  rule(): void {
    this.need(10);
    this.y -= 4;
    this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4[0] - MARGIN, y: this.y }, thickness: 0.5, color: RULE });
    this.y -= 8;
  }

  /** The table exactly as released: header, rows, [c] where withheld. */
  table(t: DisplayTable): void {
    const size = 8.5;
    const width = A4[0] - 2 * MARGIN;
    const first = Math.min(200, width * 0.4);
    const rest = (width - first) / Math.max(1, t.header.length - 1);
    const fit = (s: string, w: number, font: PDFFont) => {
      let out = safe(s);
      while (out.length > 1 && font.widthOfTextAtSize(out, size) > w - 6) out = out.slice(0, -2) + "?";
      return out;
    };
    const row = (cells: string[], font: PDFFont) => {
      this.need(size * 1.8);
      this.y -= size * 1.5;
      cells.forEach((c, i) => {
        const w = i === 0 ? first : rest;
        const text = fit(c, w, font);
        const x = i === 0 ? MARGIN : MARGIN + first + (i - 1) * rest + (rest - 6 - font.widthOfTextAtSize(text, size));
        this.page.drawText(text, { x, y: this.y, size, font, color: INK });
      });
      this.page.drawLine({ start: { x: MARGIN, y: this.y - 3 }, end: { x: MARGIN + width, y: this.y - 3 }, thickness: 0.3, color: RULE });
    };
    row(t.header, this.bold);
    for (const r of t.rows) row(r, this.font);
    this.y -= 8;
  }

  /** A horizontal bar chart of the chart's first series; withheld values are drawn as [c] with no bar. */
  chart(t: DisplayTable): void {
    const series = t.chart.series[0];
    if (!series || t.chart.data.length === 0) return;
    const size = 8;
    const labelWidth = 170;
    const barMax = A4[0] - 2 * MARGIN - labelWidth - 50;
    const values = t.chart.data.map((d) => (typeof d[series.key] === "number" ? (d[series.key] as number) : null));
    const max = t.chart.unit === "percent" ? 100 : Math.max(1, ...values.map((v) => v ?? 0));
    this.text(`Chart: ${series.label}`, { size: 8.5, bold: true, gap: 2 });
    t.chart.data.forEach((d, i) => {
      this.need(14);
      this.y -= 13;
      const label = safe(String(d.category));
      this.page.drawText(label.length > 40 ? `${label.slice(0, 39)}?` : label, { x: MARGIN, y: this.y + 2, size, font: this.font, color: INK });
      const v = values[i];
      if (v === null || v === undefined) {
        this.page.drawText("[c]", { x: MARGIN + labelWidth, y: this.y + 2, size, font: this.font, color: GREY });
        return;
      }
      const w = Math.max(0.5, (v / max) * barMax);
      this.page.drawRectangle({ x: MARGIN + labelWidth, y: this.y, width: w, height: 9, color: BAR });
      this.page.drawText(t.chart.unit === "percent" ? v.toFixed(1) : String(v), {
        x: MARGIN + labelWidth + w + 4,
        y: this.y + 2,
        size,
        font: this.font,
        color: INK,
      });
    });
    this.y -= 8;
    if (t.chart.note) this.text(t.chart.note, { size: 8, color: GREY });
  }
}

const when = (d: Date | string) => new Date(d).toLocaleString("en-GB", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/London" });
const filters = (f: { year: number | null; district: string | null }) =>
  `${f.year === null ? "all assessment years" : `assessment year ${f.year}`}, ${f.district === null ? "all school districts" : `school district ${f.district}`}`;

/**
 * The release's report: what was released (each table with its chart and suppression note), the
 * platform's disclosure check, and the approval record. Built from the reviewed check report only,
 * so it shows exactly the figures of the released CSVs.
 */
export async function releaseReportPdf(input: ReportInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(safe(`${input.label}: ${input.title}`));
  doc.setSubject("Release from the Essex Data Platform");
  doc.setProducer("Essex Data Platform");
  doc.setCreator("Essex Data Platform");
  doc.setCreationDate(input.releasedAt);
  doc.setModificationDate(input.releasedAt);
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    `Essex Data Platform, release ${input.label}`,
  );
  const r = input.report;

  w.text(`Release ${input.label}`, { size: 11, color: GREY, gap: 2 });
  w.text(input.title, { size: 18, bold: true });
  w.text(
    [
      `Released: ${when(input.releasedAt)}`,
      `Intended audience: ${AUDIENCE_LABELS[input.audience]}`,
      `Data period: ${r.dataPeriod}`,
      `Matching run ${r.run.version}${r.run.finishedAt ? `, finished ${when(r.run.finishedAt)}` : ""}`,
      `Requested by ${input.requestedBy}, ${input.organisation} (request version ${input.version})`,
    ].join("\n"),
  );
  w.text(`Purpose: ${input.purpose}`);
  w.text(
    `Disclosure control: counts of ${r.threshold} or fewer are withheld and shown as [c]; some others are withheld as well so that they cannot be worked out from totals or from earlier releases. [z] marks a group that cannot exist.`,
    { size: 9, color: GREY },
  );
  w.rule();

  for (const out of r.rendered) {
    const check = r.outputs.find((o) => o.outputId === out.outputId);
    w.need(120);
    w.text(out.display.title, { size: 13, bold: true, gap: 2 });
    const population = check ? filters(check.filters) : "";
    w.text(`${out.display.measure}. ${population.charAt(0).toUpperCase()}${population.slice(1)}.`, { size: 9, color: GREY });
    w.table(out.display);
    if (out.display.note) w.text(out.display.note, { size: 8, color: GREY });
    w.chart(out.display);
    if (check) {
      w.text(
        `Check: ${check.suppressedPrimary} withheld as small, ${check.suppressedSecondary} to protect them, of ${check.cells} cells; smallest published denominator ${check.smallestPublishedDenominator ?? "none"}; ${
          check.nearExtremePercentages.length
        } percentages near 0 % or 100 %; ${check.forcedByEarlierReleases === 0 ? "no suppression forced by earlier releases" : `${check.forcedByEarlierReleases} withheld because of ${check.forcedBy.join(", ")}`}.`,
        { size: 8, color: GREY },
      );
    }
    w.rule();
  }

  w.text("Data it rests on", { size: 13, bold: true });
  for (const b of r.batches)
    w.text(
      `${b.datasetTitle}, ${b.organisation}: extract loaded ${b.loadedAt ? when(b.loadedAt) : "(not recorded)"}, batch ${b.batchId.slice(0, 8)}`,
      { size: 8.5, gap: 1 },
    );
  w.text(
    r.crossRelease.earlierReleases.length === 0
      ? "No earlier release rests on this matching run."
      : `Protected jointly with the earlier releases of this matching run: ${r.crossRelease.earlierReleases.join(", ")}.`,
    { size: 8.5 },
  );
  w.rule();
  w.text("Approval record", { size: 13, bold: true });
  for (const v of input.reviews) {
    const verb = v.decision === "approve" ? "approved" : v.decision === "refuse" ? "refused" : "returned";
    w.text(`${v.reviewer} ${verb} this request on ${when(v.at)}${v.comment ? `: "${v.comment}"` : "."}`, { size: 9.5, gap: 2 });
  }
  return doc.save({ useObjectStreams: false });
}
