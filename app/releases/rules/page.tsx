import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";
import { listApprovalRules } from "@/lib/release";
import { setApprovalRuleAction } from "../actions";
import { readReleaseFlash } from "../_flash";
import { ReleaseNotices } from "../_ui";

export const metadata: Metadata = { title: "Who approves releases" };
export const dynamic = "force-dynamic";

export default definePage("releases.rules", async ({ searchParams, actor: user }) => {
  const flash = await readReleaseFlash((await searchParams).f);
  const rules = await listApprovalRules(user);
  return (
    <>
      <h1>Who approves releases</h1>
      <p className="lead">
        Nothing is released for publication without the approval of the agreement&apos;s owner organisation. An agreement can also require every
        organisation whose data a release rests on to approve it.
      </p>
      <ReleaseNotices flash={flash} />
      {rules.length === 0 ? (
        <p className="inset">There are no agreements yet.</p>
      ) : (
        rules.map((r) => (
          <section key={r.agreementId} className="panel" aria-labelledby={`h-${r.agreementId}`}>
            <h2 id={`h-${r.agreementId}`}>{r.agreement}</h2>
            <dl className="summary-list">
              <dt>Owner</dt>
              <dd>{r.owner}</dd>
              <dt>Data owners</dt>
              <dd>{r.dataOwners.length ? r.dataOwners.join(", ") : "None registered"}</dd>
              <dt>Approval needed from</dt>
              <dd>{r.dataOwnersMustApprove ? "The owner and every data owner of the release's matching run" : "The owner organisation"}</dd>
            </dl>
            <form action={setApprovalRuleAction.bind(null, r.agreementId)}>
              <input type="hidden" name="dataOwnersMustApprove" value={r.dataOwnersMustApprove ? "no" : "yes"} />
              <button type="submit" className="button button--secondary">
                {r.dataOwnersMustApprove ? "Require the owner's approval only" : "Require every data owner's approval too"}
                <span className="visually-hidden"> for {r.agreement}</span>
              </button>
            </form>
          </section>
        ))
      )}
      <p>
        <Link href="/releases">Register of releases</Link>
      </p>
    </>
  );
});
