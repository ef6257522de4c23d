import { defineHandler } from "@/lib/http/adapter";
import { isReleaseError, releasedFile } from "@/lib/release";

export const dynamic = "force-dynamic";

/**
 * A released file, served only if its bytes still match the SHA-256 recorded at release. Public:
 * released files are approved for publication. Any refusal goes back to the register, which says why.
 */
export const GET = defineHandler("releases.file", async ({ req, params, log }) => {
  const { fileId } = params;
  const back = (problem: string) => Response.redirect(new URL(`/releases?problem=${problem}`, req.url), 303);
  try {
    const file = await releasedFile({ fileId });
    return new Response(new Uint8Array(file.bytes), {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.name}"`,
        "x-content-sha256": file.sha256,
        "cache-control": "no-store",
      },
    });
  } catch (e) {
    if (isReleaseError(e)) return back(e.code);
    log.error({ err: e instanceof Error ? e.name : "unknown" }, "release download failed");
    return back("unavailable");
  }
});
