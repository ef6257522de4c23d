import type { Metadata } from "next";
import { ForbiddenBody } from "@/components/errors/pages";
import { currentUser } from "@/lib/auth/access";
import { ROLE_HOME, ROLE_LABELS } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "You cannot use this page" };

// Rendered, with status 403, when the request adapter (lib/http/adapter.ts) meets a role the route table does not allow.
export default async function Forbidden() {
  const user = await currentUser().catch(() => null);
  return <ForbiddenBody roleLabel={user ? ROLE_LABELS[user.role] : null} home={user ? ROLE_HOME[user.role] : null} />;
}
