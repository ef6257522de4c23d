import { checkDatabase } from "@/lib/db/health";
import { defineHandler } from "@/lib/http/adapter";

export const dynamic = "force-dynamic";

export const GET = defineHandler("health", async () => {
  const db = await checkDatabase();
  if (db.ok) return Response.json({ status: "ok", database: "ok" });
  return Response.json({ status: "unavailable", database: "unreachable", reason: db.reason }, { status: 503 });
});
