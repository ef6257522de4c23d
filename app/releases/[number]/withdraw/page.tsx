import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { definePage } from "@/lib/http/adapter";
import { releaseRegister } from "@/lib/release";
import { withdrawAction } from "../../actions";
import { readReleaseFlash } from "../../_flash";
import { FieldError, ReleaseNotices, one } from "../../_ui";

export const metadata: Metadata = { title: "Withdraw a release" };
export const dynamic = "force-dynamic";

export default definePage("releases.withdraw", async ({ params, searchParams }) => {
  const { number } = await params;
  const search = await searchParams;
  const flash = await readReleaseFlash(search.f);
  const n = /^\d{1,9}$/.test(number) ? Number(number) : NaN;
  const release = (await releaseRegister()).find((r) => r.number === n);
  if (!release) notFound();
  const reason = flash?.values?.reason ?? "";
  const confirming = one(search.confirm) === "yes" && reason.trim().length > 0;
  return (
    <>
      <p>
        <Link href="/releases">Back to the register</Link>
      </p>
      <ReleaseNotices flash={flash} />
      <h1>
        Withdraw {release.label}: {release.title}
      </h1>
      {release.withdrawn ? (
        <p className="inset">This release is already withdrawn.</p>
      ) : confirming ? (
        <div className="panel confirm-step" id="confirm">
          <h2>Withdraw {release.label}?</h2>
          <p>
            It stays in the register marked as withdrawn, with your reason, and its files are no longer served. Its figures still count when later
            requests are checked, since they may already have been seen. This cannot be undone.
          </p>
          <p>
            Reason: <q>{reason}</q>
          </p>
          <div className="button-group">
            <form action={withdrawAction.bind(null, release.number)}>
              <input type="hidden" name="reason" value={reason} />
              <input type="hidden" name="confirmed" value="yes" />
              <button type="submit" className="button button--warning">
                Yes, withdraw it
              </button>
            </form>
            <Link href="/releases">Cancel</Link>
          </div>
        </div>
      ) : (
        <form action={withdrawAction.bind(null, release.number)} noValidate>
          <div className="form-group">
            <label htmlFor="reason">Reason for the withdrawal</label>
            <span className="hint" id="reason-hint">
              Shown in the public register, e.g. &ldquo;a partner withdrew its batch&rdquo;.
            </span>
            <FieldError flash={flash} field="reason" />
            <textarea id="reason" name="reason" rows={3} maxLength={2000} defaultValue={reason} aria-describedby="reason-hint" />
          </div>
          <button type="submit" className="button button--warning">
            Continue
          </button>
        </form>
      )}
    </>
  );
});
