import "server-only";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { secureCookies } from "@/lib/auth/next-auth-cookies";

// What a server action wants the next page to show (errors with the values typed, a notice, a
// new activation link). Kept in a short-lived cookie rather than the URL, so neither an e-mail
// address nor an activation link ends up in logs or browser history. Written only by
// lib/http/adapter.ts (ctx.redirect and the error mapping); pages read it with readFlash.

export interface Flash {
  id: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  notice?: string;
  activationUrl?: string;
}

const NAME = "portal_flash";

export async function setFlash(data: Omit<Flash, "id">): Promise<string> {
  const id = randomBytes(6).toString("base64url");
  (await cookies()).set(NAME, Buffer.from(JSON.stringify({ ...data, id })).toString("base64url"), {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: secureCookies(),
    maxAge: 120,
  });
  return id;
}

/** The flash meant for this page view (its id is in the `f` query parameter), if any. */
export async function readFlash(f: string | string[] | undefined): Promise<Flash | null> {
  const id = Array.isArray(f) ? f[0] : f;
  if (!id) return null;
  const raw = (await cookies()).get(NAME)?.value;
  if (!raw) return null;
  try {
    const data = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Flash;
    return data.id === id ? data : null;
  } catch {
    return null;
  }
}

/** `path` with the flash's id appended as `f`. */
export function withFlashId(path: string, id: string): string {
  return `${path}${path.includes("?") ? "&" : "?"}f=${id}`;
}

export function formValues(form: FormData | undefined, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, typeof form?.get(n) === "string" ? (form.get(n) as string) : ""]));
}
