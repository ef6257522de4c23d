import { requireApiUser, unitContextFor } from "@/lib/auth/access";
import { auditDashboard, parseFilters, vangeDashboard } from "@/lib/dashboards/service";

export const dynamic = "force-dynamic";

/** The Vange dashboard's protected figures for one view, as JSON (the page renders the same). */
export async function GET(req: Request): Promise<Response> {
  const user = await requireApiUser(req, { roles: ["researcher", "approver"] });
  if (user instanceof Response) return user;
  try {
    const dashboard = await vangeDashboard(unitContextFor(user), parseFilters(new URL(req.url).searchParams));
    if (dashboard.state === "no-run") {
      return Response.json({ state: "no-run", message: "No matching run yet." }, { headers: { "cache-control": "no-store" } });
    }
    await auditDashboard(user, "dashboard.view", { run: dashboard.run.version, year: dashboard.filters.year, district: dashboard.filters.district, api: true });
    const { run, filters, options, coverage, sections } = dashboard;
    return Response.json(
      { state: "ready", run: { version: run.version, finishedAt: run.finishedAt, threshold: run.threshold }, filters, options, coverage, sections },
      { headers: { "cache-control": "private, no-store" } },
    );
  } catch (e) {
    console.error("[dashboards] view failed", e);
    return Response.json({ error: "unavailable", message: "The dashboard could not be prepared. Try again shortly." }, { status: 503 });
  }
}
