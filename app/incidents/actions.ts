"use server";

import { redirect } from "next/navigation";
import { defineFormAction } from "@/lib/http/adapter";
import { log } from "@/lib/log";
import {
  addIncidentNote,
  assignIncidentOwner,
  changeIncidentStatus,
  IncidentAccessError,
  IncidentInputError,
  reportBreach,
} from "@/lib/incidents/register";
import { setIncidentFlash } from "./_flash";

// Each action checks the role itself (a server action is a public endpoint) and calls one domain
// function in lib/incidents; the page shows its errors with the values typed.

const REPORT_FIELDS = ["agreementId", "orgId", "kind", "title", "description", "discoveredAt"];

function values(form: FormData, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, typeof form.get(n) === "string" ? (form.get(n) as string) : ""]));
}

function errorsOf(e: unknown): Record<string, string> {
  if (e instanceof IncidentInputError) return e.fields;
  if (e instanceof IncidentAccessError) return { form: e.message };
  log({ route: "incidents" }).error({ err: e instanceof Error ? e.name : "unknown" }, "incident action failed");
  return { form: "That could not be saved. Try again; if it keeps failing, the error is in the portal's log." };
}

async function back(path: string, data: Parameters<typeof setIncidentFlash>[0]): Promise<never> {
  redirect(`${path}?f=${await setIncidentFlash(data)}`);
}

export const reportBreachAction = defineFormAction("incidents.report", async ({ actor: user }, form: FormData): Promise<void> => {
  const input = values(form, REPORT_FIELDS);
  let out: { incidentId: string; notified: number };
  try {
    out = await reportBreach(user, { ...input, orgId: input.orgId || undefined });
  } catch (e) {
    return back("/incidents/new", { errors: errorsOf(e), values: input });
  }
  await back(`/incidents/${out.incidentId}`, {
    notice: out.notified
      ? `The incident is recorded and the data-protection contacts of all ${out.notified} parties are being e-mailed now.`
      : "The incident is recorded. No party has a data-protection contact address, so nobody could be e-mailed: tell them directly.",
  });
});

export const changeStatusAction = defineFormAction("incidents.status", async ({ actor: user }, id: string, form: FormData): Promise<void> => {
  const input = values(form, ["to", "icoReference", "reason", "lessons"]);
  try {
    await changeIncidentStatus(user, id, {
      to: input.to,
      icoReference: input.icoReference || undefined,
      reason: input.reason || undefined,
      lessons: input.lessons || undefined,
    });
  } catch (e) {
    return back(`/incidents/${id}`, { errors: errorsOf(e), values: input });
  }
  await back(`/incidents/${id}`, { notice: "The incident's status is updated." });
});

export const assignOwnerAction = defineFormAction("incidents.owner", async ({ actor: user }, id: string, form: FormData): Promise<void> => {
  try {
    await assignIncidentOwner(user, id, String(form.get("ownerId") ?? ""));
  } catch (e) {
    return back(`/incidents/${id}`, { errors: errorsOf(e) });
  }
  await back(`/incidents/${id}`, { notice: "The incident has a new owner." });
});

export const addNoteAction = defineFormAction("incidents.note", async ({ actor: user }, id: string, form: FormData): Promise<void> => {
  const note = String(form.get("note") ?? "");
  try {
    await addIncidentNote(user, id, note);
  } catch (e) {
    return back(`/incidents/${id}`, { errors: errorsOf(e), values: { note } });
  }
  await back(`/incidents/${id}`, { notice: "The note is added to the timeline." });
});
