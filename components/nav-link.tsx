"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const within = (pathname: string, prefix: string) => pathname === prefix || pathname.startsWith(`${prefix}/`);

/**
 * A navigation link that marks itself current when the page is at or below its address, unless the
 * page is at or below `except` (where a more specific link of the same menu is the current one).
 */
export function NavLink({ href, match = href, except, children }: { href: string; match?: string; except?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = within(pathname, match) && !(except && within(pathname, except));
  return (
    <Link
      href={href}
      aria-current={current ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors ${
        current ? "bg-brand-50 text-brand-800" : "text-slate-700 hover:bg-slate-100 hover:text-slate-900"
      }`}
    >
      {children}
    </Link>
  );
}
