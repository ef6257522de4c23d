// Building download answers is the HTTP boundary's business, not the domain's.

/** RFC 6266 Content-Disposition for a download: an ASCII fallback plus the UTF-8 name. */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A private, uncached CSV download. */
export function csvDownload(body: BodyInit, name: string, extra: Record<string, string> = {}): Response {
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": attachment(name), "cache-control": "private, no-store", ...extra },
  });
}
