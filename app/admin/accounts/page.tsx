import type { Metadata } from "next";
import Link from "next/link";
import { AccountList } from "@/components/admin/account-list";
import { accountFilter } from "@/lib/idp/account-status";
import { listAccounts } from "@/lib/idp/admin";
import { definePage } from "@/lib/http/adapter";

export const metadata: Metadata = { title: "Accounts" };
export const dynamic = "force-dynamic";

export default definePage("admin.accounts", async ({ actor: admin, searchParams }) => {
  const accounts = await listAccounts(admin);
  const filter = accountFilter(searchParams.status);
  return (
    <>
      <h1>Accounts</h1>
      <p>
        <Link className="button" href="/admin/accounts/new">
          Invite a person
        </Link>
      </p>
      <AccountList accounts={accounts} filter={filter ?? "all"} badFilter={filter === null} />
    </>
  );
});
