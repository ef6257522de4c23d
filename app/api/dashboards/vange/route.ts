import { parseFilters, vangeDashboardJson } from "@/lib/dashboards/service";
import { defineHandler } from "@/lib/http/adapter";
import { outputsAccess } from "@/lib/agreements/in-force";
import { AppError } from "@/lib/errors";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";

export const dynamic = "force-dynamic";

/** The Vange dashboard's protected figures for one view, as JSON (the page renders the same). */
export const GET = defineHandler(
  "api.dashboards.vange",
  async ({ req, actor, unit, audit }) => {
    const access = await outputsAccess(actor, { agreementSlug: PILOT_AGREEMENT });
    if (!access.ok) throw new AppError("forbidden", access.message, { code: "not-party" });
    const view = await vangeDashboardJson(unit, parseFilters(new URL(req.url).searchParams));
    if (view.run) await audit({ run: view.run.version, year: view.filters.year, district: view.filters.district, api: true });
    return new Response(view.body, { headers: { "content-type": "application/json", "cache-control": "private, no-store" } });
  },
  { unavailable: "The dashboard could not be prepared. Try again shortly." },
);
