"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

/** The item the current page belongs to: the longest href that is the path or a parent of it. */
export function currentNavHref(items: readonly NavItem[], pathname: string): string | null {
  let best: string | null = null;
  for (const n of items) {
    const hit = pathname === n.href || pathname.startsWith(n.href.endsWith("/") ? n.href : `${n.href}/`);
    if (hit && (best === null || n.href.length > best.length)) best = n.href;
  }
  return best;
}

// A client component only because the root layout does not re-render on navigation, so the
// current page has to be read in the browser; without JavaScript the server-rendered path marks it.
export function NavLinks({ items }: { items: readonly NavItem[] }) {
  const current = currentNavHref(items, usePathname() ?? "/");
  return (
    <ul>
      {items.map((n) => (
        <li key={n.href}>
          <Link href={n.href} aria-current={n.href === current ? "page" : undefined}>
            {n.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}
