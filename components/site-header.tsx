import Link from "next/link";

export function SiteHeader({ nav = [] }: { nav?: { href: string; label: string }[] }) {
  return (
    <header className="header">
      <div className="header__inner">
        <Link href="/">Essex Data Platform</Link>
        {nav.length > 0 && (
          <nav aria-label="Main">
            <ul>
              {nav.map((n) => (
                <li key={n.href}>
                  <Link href={n.href}>{n.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </div>
    </header>
  );
}
