import "server-only";
import { createHash } from "node:crypto";

// The few pages oidc-provider renders itself (errors, the logout confirmation). They come from
// the /oidc mount, outside Next.js, so they carry their own small copy of the portal's look.

const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#0b0c0c;line-height:1.5}
header{background:#0b0c0c;color:#fff;border-bottom:10px solid #1d70b8;padding:.9rem 1.25rem;font-weight:700}
header a,header a:visited{color:#fff;text-decoration:none}
main{max-width:1100px;margin:0 auto;padding:2rem 1.25rem 3rem}
h1{font-size:2.25rem;line-height:1.15;margin:0 0 1.5rem}
a{color:#1d70b8}
a:focus-visible,button:focus-visible{outline:3px solid transparent;background:#fd0;box-shadow:0 -2px #fd0,0 4px #0b0c0c;color:#0b0c0c}
.button{display:inline-block;font:inherit;font-weight:600;background:#00703c;color:#fff;border:0;border-bottom:2px solid #002d18;padding:.5rem 1rem;cursor:pointer;text-decoration:none}
.hint{color:#484949}
code{background:#f3f2f1;padding:.1rem .3rem}
`;

const LOGOUT_SCRIPT = `(function(){var f=document.getElementById('op.logoutForm');if(!f)return;var i=document.createElement('input');i.type='hidden';i.name='logout';i.value='yes';f.appendChild(i);f.submit();})();`;

const sha256 = (text: string) => `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;

/**
 * What the Content-Security-Policy of these pages allows: their one stylesheet and one script,
 * by hash, so nothing injected into a page (say, through an error description) could run.
 */
export const PAGE_HASHES = { scripts: [sha256(LOGOUT_SCRIPT)], styles: [sha256(STYLE)] };

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function page(opts: { title: string; body: string; base: string; script?: string }): string {
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)} – Essex Data Platform</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="${escapeHtml(opts.base)}/">Essex Data Platform</a></header>
<main id="main-content">
${opts.body}
</main>
${opts.script ? `<script>${opts.script}</script>` : ""}
</body>
</html>`;
}

export function errorPage(base: string, out: { error?: unknown; error_description?: unknown }): string {
  return page({
    base,
    title: "Sign-in could not continue",
    body: `<h1>Sign-in could not continue</h1>
<p>The sign-in request was not valid or has expired. This can happen after using the browser's back button, or when a sign-in page was left open for a long time.</p>
<p><a class="button" href="${escapeHtml(base)}/signin">Start signing in again</a></p>
<p class="hint">Details for support: <code>${escapeHtml(out.error ?? "error")}</code>${out.error_description ? ` – ${escapeHtml(out.error_description)}` : ""}</p>`,
  });
}

export function logoutPage(base: string, form: string): string {
  // The portal session has already ended when the browser arrives here; this step ends the
  // identity provider's own session. Script submits it at once; without script, one button.
  return page({
    base,
    title: "Signing out",
    body: `<h1>Signing you out</h1>
<p>You are being signed out of the Essex Data Platform sign-in service.</p>
${form}
<button class="button" autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Finish signing out</button>`,
    script: LOGOUT_SCRIPT,
  });
}

export function loggedOutPage(base: string): string {
  return page({
    base,
    title: "Signed out",
    body: `<h1>You have signed out</h1>
<p><a class="button" href="${escapeHtml(base)}/signin">Sign in again</a></p>`,
  });
}
