import type { Metadata } from "next";
import Link from "next/link";
import { getReceivedMessage } from "@/lib/mail/admin";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Message" };
export const dynamic = "force-dynamic";

export default definePage("admin.mail.message", async ({ unit, params }) => {
  const ctx = unit;
  if (ctx.kind !== "admin") throw new Error("administrators act in the admin context");
  const { id } = params;
  const m = await getReceivedMessage(ctx, id);
  if (!m) {
    return (
      <>
        <h1>Message not found</h1>
        <p>The embedded mail server holds no message with this reference.</p>
        <p>
          <Link href="/admin/mail">Back to Sent mail</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <span className="caption">Sent mail, as received by the embedded mail server</span>
      <h1>{m.subject}</h1>
      <dl className="summary-list">
        <div>
          <dt>To</dt>
          <dd>{m.to.join(", ")}</dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>{m.from}</dd>
        </div>
        <div>
          <dt>Received</dt>
          <dd>{m.receivedAt.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "medium" })}</dd>
        </div>
      </dl>
      <pre className="mail-body">{m.text}</pre>
      <p>
        <Link href="/admin/mail">Back to Sent mail</Link>
      </p>
    </>
  );
});
