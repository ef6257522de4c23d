import type { Metadata } from "next";
import Link from "next/link";
import { AccountList } from "@/components/admin/account-list";
import { requireUser } from "@/lib/auth/access";
import { accountFilter } from "@/lib/idp/account-status";
import { listAccounts } from "@/lib/idp/admin";
import type { Search } from "../_ui";

export const metadata: Metadata = { title: "Accounts" };
export const dynamic = "force-dynamic";

export default async function AccountsPage({ searchParams }: { searchParams: Search }) {
  const admin = await requireUser({ roles: ["administrator"] });
  const accounts = await listAccounts(admin);
  const filter = accountFilter((await searchParams).status);
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
}
