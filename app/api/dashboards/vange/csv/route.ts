import { outputsAccess } from "@/lib/agreements/in-force";
import { requireApiUser, unitContextFor } from "@/lib/auth/access";
import { PILOT_AGREEMENT } from "@/lib/matching/sources";
import { auditDashboard, parseFilters, vangeDashboard } from "@/lib/dashboards/service";
import { tableCsv } from "@/lib/dashboards/vange";

export const dynamic = "force-dynamic";

/** One table of the dashboard as CSV: exactly the protected table the page shows, [c] included. */
export async function GET(req: Request): Promise<Response> {
  const user = await requireApiUser(req, { roles: ["researcher", "approver"] });
  if (user instanceof Response) return user;
  const access = await outputsAccess(user, { agreementSlug: PILOT_AGREEMENT });
  if (!access.ok) return Response.json({ error: "not-party", message: access.message }, { status: 403 });
  const params = new URL(req.url).searchParams;
  const id = params.get("table") ?? "";
  try {
    const dashboard = await vangeDashboard(unitContextFor(user), parseFilters(params));
    if (dashboard.state === "ended") return Response.json({ error: "agreement-ended", message: dashboard.agreement.message }, { status: 410 });
    if (dashboard.state === "no-run") return Response.json({ error: "no-run", message: "No matching run yet." }, { status: 404 });
    const table = dashboard.sections.flatMap((s) => s.tables).find((t) => t.id === id);
    if (!table) return Response.json({ error: "not-found", message: "There is no such table." }, { status: 404 });
    const { filters, run } = dashboard;
    await auditDashboard(user, "dashboard.export", { run: run.version, table: id, year: filters.year, district: filters.district });
    const name = ["vange", id, filters.year ?? "all-years", filters.district ?? "all-districts", `run-${run.version}`].join("_");
    return new Response(tableCsv(table), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, "-")}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (e) {
    console.error("[dashboards] export failed", e);
    return Response.json({ error: "unavailable", message: "The export could not be prepared. Try again shortly." }, { status: 503 });
  }
}
