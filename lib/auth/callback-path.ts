// Where the browser may be sent after signing in. Shared by pages, route handlers and
// next-auth's redirect callback, and free of server-only imports so it can be property-tested.

// A stand-in origin: only the path part of the result is used, and an input that resolves to
// any other origin (a scheme, "//host", "/\t/host", "\\host", …) is refused outright.
const BASE = "http://portal.invalid";

// The pages that start or end a sign-in: returning to them would loop.
const NO_RETURN = [/^\/signin(?:[/?#]|$)/, /^\/api\/auth(?:[/?#]|$)/];

/**
 * A same-origin path ("/uploads?x=1") for `p`, or "/" when `p` is not one.
 *
 * The check runs on what the WHATWG URL parser makes of the input, the same parser the browser
 * applies to a Location header: it strips tabs and newlines anywhere and C0 controls and spaces
 * at the ends, reads "\" as "/", and drops "." segments ("/.//evil" becomes "//evil"). So the
 * input is parsed, the origin compared, and what is returned is the parsed path itself,
 * re-checked so that the browser cannot read it as anything else either.
 */
export function safeCallbackPath(p: string | null | undefined): string {
  if (typeof p !== "string" || !p.startsWith("/")) return "/";
  // Control characters have no place in a path anyone typed or linked: refused outright rather
  // than left to the parser to strip (which is how "/\t/evil.example" became "//evil.example").
  if (/[\u0000-\u001f\u007f]/.test(p)) return "/";
  let url: URL;
  try {
    url = new URL(p, BASE);
  } catch {
    return "/";
  }
  if (url.origin !== BASE) return "/";
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return "/";
  // Percent-encoding by the parser leaves nothing a header or a browser could misread.
  if (/[\u0000-\u0020\u007f-\uffff]/.test(path)) return "/";
  let again: URL;
  try {
    again = new URL(path, BASE);
  } catch {
    return "/";
  }
  if (again.origin !== BASE || `${again.pathname}${again.search}${again.hash}` !== path) return "/";
  if (NO_RETURN.some((r) => r.test(path))) return "/";
  return path;
}
