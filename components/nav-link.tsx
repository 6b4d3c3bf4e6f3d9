"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** A navigation link that marks itself current when the page is at or below its address. */
export function NavLink({ href, match = href, children }: { href: string; match?: string; children: React.ReactNode }) {
  const pathname = usePathname();
  const current = pathname === match || pathname.startsWith(`${match}/`);
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
