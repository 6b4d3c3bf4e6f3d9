import Link from "next/link";
import { NavLink } from "./nav-link";
import { SignOutButton } from "./sign-out-button";

/**
 * `attention`: how many sync accounts need the person (the banner below says which and what to do);
 * `conflicts`: how many conflicts wait for them to settle.
 */
export function AppHeader({ userName, attention = 0, conflicts = 0 }: { userName: string; attention?: number; conflicts?: number }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/calendar" className="flex items-center gap-2 text-base font-semibold text-slate-900">
          <span aria-hidden className="grid size-7 place-items-center rounded-md bg-brand-700 text-xs font-bold text-white">
            CS
          </span>
          Calendar Sync
        </Link>
        <nav aria-label="Main" className="order-3 -mx-1 flex w-full gap-1 overflow-x-auto sm:order-none sm:w-auto">
          <NavLink href="/calendar">Calendar</NavLink>
          <NavLink href="/settings/sync" match="/settings" except={conflicts > 0 ? "/settings/sync/conflicts" : undefined}>
            Settings
            {attention > 0 && (
              <span className="ml-1.5 inline-grid min-w-5 place-items-center rounded-full bg-amber-700 px-1.5 text-xs font-bold text-white">
                {attention}
                <span className="sr-only">{attention === 1 ? " account needs you" : " accounts need you"}</span>
              </span>
            )}
          </NavLink>
          {conflicts > 0 && (
            <NavLink href="/settings/sync/conflicts">
              Conflicts
              <span className="ml-1.5 inline-grid min-w-5 place-items-center rounded-full bg-amber-700 px-1.5 text-xs font-bold text-white">
                {conflicts}
                <span className="sr-only">{conflicts === 1 ? " conflict waits for you" : " conflicts wait for you"}</span>
              </span>
            </NavLink>
          )}
          <NavLink href="/help">Help</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <Link
            href="/settings/account"
            className="max-w-40 truncate text-sm text-slate-700 hover:text-slate-900"
            title="Account settings"
          >
            {userName}
          </Link>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
