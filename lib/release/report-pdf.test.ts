import fs from "node:fs";
import path from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import type { DisplayTable } from "@/lib/dashboards/vange";
import { releaseReportPdf } from "./report-pdf";
import type { CheckReport } from "./types";

const display: DisplayTable = {
  id: "gld-gender",
  title: "By gender",
  measure: "% reaching a Good Level of Development",
  header: ["Gender", "Children", "Reaching it", "%"],
  rows: [
    ["Girls", "212", "151", "71.2"],
    ["Boys", "[c]", "[c]", "[c]"],
  ],
  note: "Values based on 5 or fewer children are not shown ([c]).",
  chart: {
    category: "Gender",
    series: [{ key: "value", label: "% reaching a Good Level of Development" }],
    data: [{ category: "Girls", value: 71.2 }, { category: "Boys" }],
    unit: "percent",
    note: "Values based on 5 or fewer children are not shown ([c]).",
  },
};

const report: CheckReport = {
  computedAt: "2026-11-30T12:00:00.000Z",
  threshold: 5,
  run: { id: "00000000-0000-4000-8000-000000000001", version: 7, finishedAt: "2026-11-30T11:00:00.000Z" },
  dataPeriod: "Assessment years 2015–2016",
  batches: [
    {
      datasetTitle: "School readiness",
      organisation: "Essex County Council",
      batchId: "0a1b2c3d-0000-4000-8000-000000000000",
      loadedAt: "2026-11-29T09:00:00.000Z",
    },
  ],
  outputs: [
    {
      outputId: "o1",
      table: "gld-gender",
      title: "By gender",
      filters: { year: null, district: null },
      threshold: 5,
      cells: 2,
      suppressedPrimary: 1,
      suppressedSecondary: 1,
      suppressedPercentage: 1,
      zeroCells: 0,
      smallestPublishedDenominator: 212,
      nearExtremePercentages: [],
      forcedByEarlierReleases: 0,
      forcedBy: [],
    },
  ],
  crossRelease: { earlierReleases: ["R-0001"], forced: 0, forcedBy: [], exposedByEarlier: 0, otherRuns: [] },
  rendered: [
    {
      outputId: "o1",
      display,
      spec: { id: "o1", rows: ["gender"], measure: { kind: "count" } },
      table: { id: "o1", threshold: 5, rows: ["gender"], columns: [], measure: "count", cells: [] },
    },
  ],
};

async function render(pdf: Uint8Array) {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    useSystemFonts: false,
    // Helvetica is not embedded (a standard font): pdf.js draws it from its own font data.
    standardFontDataUrl: `${path.resolve("node_modules/pdfjs-dist/standard_fonts")}/`,
  }).promise;
  const page = await doc.getPage(1);
  const text = (await page.getTextContent()).items.map((i) => ("str" in i ? i.str : "")).join(" ");
  const viewport = page.getViewport({ scale: 1 });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  await page.render({ canvas: canvas as never, canvasContext: ctx as never, viewport }).promise;
  const png = canvas.toBuffer("image/png");
  if (process.env.RELEASE_PDF_PNG) fs.writeFileSync(process.env.RELEASE_PDF_PNG, png);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { pages: doc.numPages, text, png, pixels, width: canvas.width, height: canvas.height };
}

describe("the release report PDF", () => {
  it("renders to PNG with the release, its table as released ([c] included), its chart and the approval record", async () => {
    const pdf = await releaseReportPdf({
      label: "R-0002",
      title: "GLD in Vange — annual report",
      purpose: "Board report",
      audience: "publication",
      releasedAt: new Date("2026-11-30T12:30:00Z"),
      requestedBy: "Rita Researcher",
      organisation: "University of Essex",
      version: 2,
      reviews: [
        { reviewer: "Anna Approver", decision: "return", comment: "Say which board.", at: new Date("2026-11-30T12:10:00Z") },
        { reviewer: "Anna Approver", decision: "approve", comment: "", at: new Date("2026-11-30T12:30:00Z") },
      ],
      report,
    });
    expect(Buffer.from(pdf.slice(0, 5)).toString("latin1")).toBe("%PDF-");
    const r = await render(pdf);
    expect(r.pages).toBe(1);
    expect(r.text).not.toContain("?");
    for (const s of [
      "Release R-0002",
      "GLD in Vange",
      "By gender",
      "[c]",
      "71.2",
      "Approval record",
      "Anna Approver approved",
      "Say which board.",
      "R-0001",
    ])
      expect(r.text).toContain(s);
    // A real PNG of the page, with ink on it: the text and the blue bar of the published value.
    expect(r.png.subarray(1, 4).toString("latin1")).toBe("PNG");
    let dark = 0;
    let blue = 0;
    for (let i = 0; i < r.pixels.length; i += 4) {
      const [red, green, b] = [r.pixels[i]!, r.pixels[i + 1]!, r.pixels[i + 2]!];
      if (red < 100 && green < 100 && b < 100) dark++;
      if (b > 140 && red < 60 && green > 80 && green < 140) blue++;
    }
    expect(dark).toBeGreaterThan(2000);
    expect(blue).toBeGreaterThan(200);
  });
});
