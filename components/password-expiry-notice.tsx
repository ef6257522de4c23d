import type { Actor } from "@/lib/actor";
import { currentPath } from "@/lib/auth/access";
import { ROLE_HOME } from "@/lib/auth/roles";
import { passwordExpiryNotice } from "@/lib/idp/expiry-notice";

/**
 * The password-expiry reminder, on the page each role lands on after signing in (the home page
 * now sends a signed-in user there). Asked only there, so other pages cost no extra query.
 */
export async function PasswordExpiryNotice({ user }: { user: Actor }) {
  const path = (await currentPath()).split("?")[0];
  if (path !== ROLE_HOME[user.role].href) return null;
  const expiry = await passwordExpiryNotice(user.userId).catch(() => null);
  if (!expiry) return null;
  return (
    <div className="warning-text" role="status">
      {expiry.daysLeft <= 0
        ? "Your password has expired: you will be asked to change it the next time you sign in."
        : `Your password expires in ${expiry.daysLeft} ${expiry.daysLeft === 1 ? "day" : "days"}. The next time you sign in you can change it straight away.`}
    </div>
  );
}
