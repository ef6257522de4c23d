import type { Metadata } from "next";
import Link from "next/link";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Administration" };
export const dynamic = "force-dynamic";

export default definePage("admin", async () => {
  return (
    <>
      <h1>Administration</h1>
      <p className="lead">Organisations, accounts and sign-in security. Administrators do not see partner data.</p>
      <ul className="cards">
        <li>
          <h2>
            <Link href="/admin/accounts">Accounts</Link>
          </h2>
          <p>Invite people, set roles and organisations, disable accounts, unlock them and reset second factors.</p>
        </li>
        <li>
          <h2>
            <Link href="/admin/organisations">Organisations</Link>
          </h2>
          <p>Add partner organisations, rename them, or deactivate one so its users can no longer sign in.</p>
        </li>
        <li>
          <h2>
            <Link href="/admin/password-policy">Password policy</Link>
          </h2>
          <p>Length, reuse, the 180-day expiry and its warning, and the lockout after failed attempts.</p>
        </li>
        <li>
          <h2>
            <Link href="/admin/signing-keys">Signing keys</Link>
          </h2>
          <p>The identity provider&apos;s token-signing keys, and rotating them.</p>
        </li>
        <li>
          <h2>
            <Link href="/admin/mail">Sent mail</Link>
          </h2>
          <p>Every e-mail the platform sent (activation links, incident notices), whether it was delivered, and failures.</p>
        </li>
      </ul>
    </>
  );
});
