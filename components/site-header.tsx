import Link from "next/link";
import { NavLinks, type NavItem } from "./nav-links";

export interface HeaderUser {
  displayName: string;
  orgName: string;
  roleLabel: string;
}

export function SiteHeader({ nav = [], user }: { nav?: readonly NavItem[]; user?: HeaderUser | null }) {
  return (
    <header className="header">
      <div className="header__inner">
        <Link href="/">Essex Data Platform</Link>
        {nav.length > 0 && (
          <nav aria-label="Main">
            <NavLinks items={nav} />
          </nav>
        )}
        {user && (
          <div className="header__account">
            <p className="header__user">
              <span className="visually-hidden">Signed in as </span>
              <strong>{user.displayName}</strong>
              <span className="header__meta">
                {user.roleLabel}, {user.orgName}
              </span>
            </p>
            {/* A plain form POST, so signing out works without JavaScript. */}
            <form method="post" action="/api/auth/sign-out">
              <button type="submit" className="header__signout">
                Sign out
              </button>
            </form>
          </div>
        )}
      </div>
    </header>
  );
}
