import "server-only";
import { randomBytes } from "node:crypto";
import { cookies } from "next/headers";
import { publicUrl } from "@/lib/auth/config";

// What an incident form's action wants the next page to show (errors with the values typed, a
// notice). In a short-lived cookie scoped to /incidents, not the URL: a breach description does
// not belong in logs or browser history. Same pattern as app/admin/_flash.ts.

export interface IncidentFlash {
  id: string;
  errors?: Record<string, string>;
  values?: Record<string, string>;
  notice?: string;
}

const NAME = "portal_incident_flash";

export async function setIncidentFlash(data: Omit<IncidentFlash, "id">): Promise<string> {
  const id = randomBytes(6).toString("base64url");
  (await cookies()).set(NAME, Buffer.from(JSON.stringify({ ...data, id })).toString("base64url"), {
    path: "/incidents",
    httpOnly: true,
    sameSite: "lax",
    secure: publicUrl().startsWith("https://"),
    maxAge: 120,
  });
  return id;
}

export async function readIncidentFlash(f: string | string[] | undefined): Promise<IncidentFlash | null> {
  const id = Array.isArray(f) ? f[0] : f;
  if (!id) return null;
  const raw = (await cookies()).get(NAME)?.value;
  if (!raw) return null;
  try {
    const data = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as IncidentFlash;
    return data.id === id ? data : null;
  } catch {
    return null;
  }
}
