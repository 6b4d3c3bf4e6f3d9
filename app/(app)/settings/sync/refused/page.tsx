import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { requireUser } from "@/lib/auth/session";
import { calendarHref } from "@/lib/calendar/views";
import { listAccounts } from "@/lib/sync-accounts/accounts";
import { REMOTE_NAMES } from "@/lib/sync-accounts/remote-names";
import { listRejectedEvents } from "@/lib/sync/rejections";

export const metadata: Metadata = { title: "Events not copied" };

export default async function RefusedEventsPage() {
  const user = await requireUser();
  const accounts = (await listAccounts(user.id)).filter((account) => account.refused > 0);
  // The day the event starts on in the person's zone (an all-day start is a date already).
  const dayOf = (start: string) => (start.length === 10 ? start : new Intl.DateTimeFormat("en-CA", { timeZone: user.timeZone }).format(new Date(start)));
  const lists = await Promise.all(accounts.map(async (account) => ({ account, events: await listRejectedEvents(user.id, account.id) })));
  return (
    <div>
      <p className="mb-2 text-sm">
        <Link href="/settings/sync" className="text-brand-700 hover:underline">
          ← Synchronization
        </Link>
      </p>
      <PageHeader
        title="Events not copied"
        description="The other calendar refused these events, with the reason it gave. Change an event in Atollon and the next sync tries again; or leave it out of that calendar with a rule."
      />
      {lists.length === 0 && <p className="text-sm text-slate-600">Every event was copied.</p>}
      {lists.map(({ account, events }) => (
        <section key={account.id} id={`account-${account.id}`} aria-labelledby={`refused-${account.id}`} className="mb-8">
          <h2 id={`refused-${account.id}`} className="mb-3 text-lg font-semibold break-words text-slate-900">
            {REMOTE_NAMES[account.provider]} · {account.login}
          </h2>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {events.map((event) => (
              <li key={event.eventId} className="flex flex-col gap-1 p-4 text-sm">
                <Link href={calendarHref("day", dayOf(event.start))} className="font-medium text-brand-700 hover:underline">
                  {event.title || "(no title)"}
                </Link>
                <p className="text-red-800">{event.message}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
