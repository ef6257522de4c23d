"use server";

import { redirect } from "next/navigation";
import { defineFormAction } from "@/lib/http/adapter";
import { log } from "@/lib/log";
import { env } from "@/lib/env";
import { nudgeMailDelivery } from "@/lib/mail";
import {
  addOutput,
  createDraft,
  isReleaseError,
  newVersion,
  removeOutput,
  reviewRequest,
  setApprovalRule,
  submitRequest,
  withdrawRelease,
} from "@/lib/release";
import { setReleaseFlash, type ReleaseFlash } from "./_flash";

const field = (form: FormData, name: string): string => {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
};

async function back(path: string, flash: Omit<ReleaseFlash, "id">, hash = ""): Promise<never> {
  const id = await setReleaseFlash(flash);
  redirect(`${path}${path.includes("?") ? "&" : "?"}f=${id}${hash}`);
}

/** A domain refusal becomes the page's error message; anything else is logged and said plainly. */
function message(e: unknown): string {
  if (isReleaseError(e)) return e.message;
  log({ route: "releases" }).error({ err: e instanceof Error ? e.name : "unknown" }, "release action failed");
  return "Something went wrong on our side and has been logged. Nothing was changed; try again in a few minutes.";
}

const publicUrl = () => env().PUBLIC_URL?.replace(/\/$/, "");

export const createDraftAction = defineFormAction("releases.draft.create", async ({ actor: user }, form: FormData): Promise<void> => {
  const values = {
    title: field(form, "title"),
    purpose: field(form, "purpose"),
    audience: field(form, "audience"),
    table: field(form, "table"),
    year: field(form, "year"),
    district: field(form, "district"),
  };
  let id: string;
  try {
    id = (await createDraft(user, values)).id;
    if (values.table)
      await addOutput(user, {
        requestId: id,
        table: values.table,
        year: values.year ? Number(values.year) : null,
        district: values.district || null,
      });
  } catch (e) {
    return back("/releases/requests", { error: message(e), field: "title", values }, "#new-request");
  }
  await back(`/releases/requests/${id}`, { notice: "The request is started. Add the tables and figures to release, then submit it." });
});

export const addOutputAction = defineFormAction("releases.output.add", async ({ actor: user }, requestId: string, form: FormData): Promise<void> => {
  const year = field(form, "year");
  try {
    await addOutput(user, {
      requestId,
      table: field(form, "table"),
      year: /^\d{4}$/.test(year) ? Number(year) : null,
      district: field(form, "district") || null,
    });
  } catch (e) {
    return back(`/releases/requests/${requestId}`, { error: message(e), field: "table" }, "#add-output");
  }
  await back(`/releases/requests/${requestId}`, { notice: "The output was added." }, "#outputs");
});

export const removeOutputAction = defineFormAction(
  "releases.output.remove",
  async ({ actor: user }, requestId: string, outputId: string): Promise<void> => {
    try {
      await removeOutput(user, { requestId, outputId });
    } catch (e) {
      return back(`/releases/requests/${requestId}`, { error: message(e) });
    }
    await back(`/releases/requests/${requestId}`, { notice: "The output was removed." }, "#outputs");
  },
);

export const submitAction = defineFormAction("releases.submit", async ({ actor: user }, requestId: string, form: FormData): Promise<void> => {
  if (field(form, "confirmed") !== "yes") redirect(`/releases/requests/${requestId}?confirm=submit#confirm`);
  try {
    await submitRequest(user, { requestId, publicUrl: publicUrl() });
  } catch (e) {
    return back(`/releases/requests/${requestId}`, { error: message(e) });
  }
  nudgeMailDelivery();
  await back(`/releases/requests/${requestId}`, {
    notice: "The request is submitted. The approvers have been told; you will get an e-mail when they decide.",
  });
});

export const newVersionAction = defineFormAction("releases.new-version", async ({ actor: user }, requestId: string): Promise<void> => {
  let id: string;
  try {
    id = (await newVersion(user, { requestId })).id;
  } catch (e) {
    return back(`/releases/requests/${requestId}`, { error: message(e) });
  }
  await back(`/releases/requests/${id}`, { notice: "A new version is ready to change and submit." });
});

export const reviewAction = defineFormAction("releases.review", async ({ actor: user }, requestId: string, form: FormData): Promise<void> => {
  const values = { decision: field(form, "decision"), comment: field(form, "comment") };
  if (field(form, "confirmed") !== "yes") {
    if (!["approve", "refuse", "return"].includes(values.decision)) {
      return back(`/releases/requests/${requestId}`, { error: "Choose approve, refuse or return.", field: "decision", values }, "#review");
    }
    return back(`/releases/requests/${requestId}?confirm=${values.decision}`, { values }, "#confirm");
  }
  let notice: string;
  try {
    const out = await reviewRequest(user, { requestId, ...values, publicUrl: publicUrl() });
    notice = out.release
      ? `Approved. The outputs are released as ${out.release.label} and listed in the register.`
      : out.status === "submitted"
        ? `Your approval is recorded. Still awaited: ${out.awaiting.join(", ")}.`
        : out.status === "returned"
          ? "The request is returned to the researcher with your comment."
          : "The request is refused; the researcher has been told.";
  } catch (e) {
    return back(`/releases/requests/${requestId}`, { error: message(e), field: "decision", values }, "#review");
  }
  nudgeMailDelivery();
  await back(`/releases/requests/${requestId}`, { notice });
});

export const withdrawAction = defineFormAction("releases.withdraw.submit", async ({ actor: user }, number: number, form: FormData): Promise<void> => {
  const reason = field(form, "reason");
  if (field(form, "confirmed") !== "yes") {
    if (!reason.trim())
      return back(`/releases/${number}/withdraw`, { error: "Give the reason for the withdrawal: it is shown in the register.", field: "reason" });
    return back(`/releases/${number}/withdraw?confirm=yes`, { values: { reason } }, "#confirm");
  }
  try {
    await withdrawRelease(user, { number, reason });
  } catch (e) {
    return back(`/releases/${number}/withdraw`, { error: message(e), field: "reason", values: { reason } });
  }
  nudgeMailDelivery();
  await back("/releases", { notice: "The release is withdrawn. It stays in the register with your reason, and its files are no longer served." });
});

export const setApprovalRuleAction = defineFormAction(
  "releases.rules.set",
  async ({ actor: user }, agreementId: string, form: FormData): Promise<void> => {
    const must = field(form, "dataOwnersMustApprove") === "yes";
    try {
      await setApprovalRule(user, { agreementId, dataOwnersMustApprove: must });
    } catch (e) {
      return back("/releases/rules", { error: message(e) });
    }
    await back("/releases/rules", {
      notice: must
        ? "Every data owner must now approve this agreement's releases, as well as its owner."
        : "The owner organisation's approval is now enough for this agreement's releases.",
    });
  },
);
