import { Readable } from "node:stream";
import { defineHandler } from "@/lib/http/adapter";
import { errFields } from "@/lib/log";
import { csvStream } from "@/lib/csv";
import { AUDIT_CSV_HEADER, AuditFilterError, exportAuditEvents, parseAuditFilters } from "@/lib/audit/viewer";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** The filtered audit trail as CSV, streamed page by page (lib/audit/viewer.ts). */
export const GET = defineHandler("api.audit.export", async ({ req, actor: user, log }) => {
  try {
    const filters = parseAuditFilters(new URL(req.url).searchParams);
    const rows = await exportAuditEvents(user, filters);
    const body = Readable.toWeb(csvStream(AUDIT_CSV_HEADER, rows, { bom: true })) as ReadableStream<Uint8Array>;
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-trail-${stamp}.csv"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (e) {
    if (e instanceof AuditFilterError) return Response.json({ error: "bad-filter", message: e.message }, { status: 400 });
    log.error(errFields(e), "audit export failed");
    return Response.json({ error: "unavailable", message: "The export could not be prepared. Try again shortly." }, { status: 503 });
  }
});
