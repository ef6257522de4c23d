import { parseFilters, vangeDashboard } from "@/lib/dashboards/service";
import { AppError } from "@/lib/errors";
import { defineHandler } from "@/lib/http/adapter";
import { unapprovedExport } from "@/lib/release";
import { outputsAccess } from "@/lib/agreements/in-force";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";

export const dynamic = "force-dynamic";

/** One table of the dashboard as CSV: exactly the protected table the page shows, [c] included. */
export const GET = defineHandler(
  "api.dashboards.vange.csv",
  async ({ req, actor, unit, audit }) => {
    const access = await outputsAccess(actor, { agreementSlug: PILOT_AGREEMENT });
    if (!access.ok) throw new AppError("forbidden", access.message, { code: "not-party" });
    const params = new URL(req.url).searchParams;
    const id = params.get("table") ?? "";
    const dashboard = await vangeDashboard(unit, parseFilters(params));
    if (dashboard.state === "ended") throw new AppError("gone", dashboard.agreement.message, { code: "agreement-ended" });
    if (dashboard.state === "no-run") throw new AppError("not_found", "No matching run yet.", { code: "no-run" });
    const table = dashboard.sections.flatMap((s) => s.tables).find((t) => t.id === id);
    if (!table) throw new AppError("not_found", "There is no such table.");
    const { filters, run } = dashboard;
    await audit({ run: run.version, table: id, year: filters.year, district: filters.district });
    const name = ["vange", id, filters.year ?? "all-years", filters.district ?? "all-districts", `run-${run.version}`].join("_");
    // Only files of the register of releases are approved for publication; this one says so.
    const file = unapprovedExport(`${name.replace(/[^A-Za-z0-9_.-]/g, "-")}.csv`, table.header, table.rows);
    return new Response(file.body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${file.name}"`,
        "cache-control": "private, no-store",
      },
    });
  },
  { unavailable: "The export could not be prepared. Try again shortly." },
);
