import { outputsAccess } from "@/lib/agreements/in-force";
import { requireApiUser, unitContextFor } from "@/lib/auth/access";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";
import { auditDashboard, parseFilters, vangeDashboardJson } from "@/lib/dashboards/service";

export const dynamic = "force-dynamic";

/** The Vange dashboard's protected figures for one view, as JSON (the page renders the same). */
export async function GET(req: Request): Promise<Response> {
  const user = await requireApiUser(req, { roles: ["researcher", "approver"] });
  if (user instanceof Response) return user;
  const access = await outputsAccess(user, { agreementSlug: PILOT_AGREEMENT });
  if (!access.ok) return Response.json({ error: "not-party", message: access.message }, { status: 403 });
  try {
    const view = await vangeDashboardJson(unitContextFor(user), parseFilters(new URL(req.url).searchParams));
    if (view.run) await auditDashboard(user, "dashboard.view", { run: view.run.version, year: view.filters.year, district: view.filters.district, api: true });
    return new Response(view.body, { headers: { "content-type": "application/json", "cache-control": "private, no-store" } });
  } catch (e) {
    console.error("[dashboards] view failed", e);
    return Response.json({ error: "unavailable", message: "The dashboard could not be prepared. Try again shortly." }, { status: 503 });
  }
}
