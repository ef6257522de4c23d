import "server-only";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { env } from "@/lib/env";

// What a release action wants the next page to show (an error with the values typed, a notice).
// A short-lived cookie scoped to /releases, as the administration pages do (app/admin/_flash.ts),
// so a typed comment is not lost on an error and nothing typed ends up in a URL.

export interface ReleaseFlash {
  id: string;
  error?: string;
  field?: string;
  values?: Record<string, string>;
  notice?: string;
}

const NAME = "portal_release_flash";

export async function setReleaseFlash(data: Omit<ReleaseFlash, "id">): Promise<string> {
  const id = randomBytes(6).toString("base64url");
  (await cookies()).set(NAME, Buffer.from(JSON.stringify({ ...data, id })).toString("base64url"), {
    path: "/releases",
    httpOnly: true,
    sameSite: "lax",
    secure: (env().PUBLIC_URL ?? "").startsWith("https://"),
    maxAge: 120,
  });
  return id;
}

export async function readReleaseFlash(f: string | string[] | undefined): Promise<ReleaseFlash | null> {
  const id = Array.isArray(f) ? f[0] : f;
  if (!id) return null;
  const raw = (await cookies()).get(NAME)?.value;
  if (!raw) return null;
  try {
    const data = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as ReleaseFlash;
    return data.id === id ? data : null;
  } catch {
    return null;
  }
}
