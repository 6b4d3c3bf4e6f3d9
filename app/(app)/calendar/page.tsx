import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { WeekHeader } from "@/components/week-header";
import { requireUser } from "@/lib/auth/session";
import { addDays, formatDate, startOfWeek, todayIn } from "@/lib/calendar/zoned-date";

export const metadata: Metadata = { title: "Calendar" };

export default async function CalendarPage() {
  const user = await requireUser();
  const today = todayIn(user.timeZone);
  const monday = startOfWeek(today);
  const sunday = addDays(monday, 6);
  const range = `${formatDate(monday, { day: "numeric", month: "long" })} – ${formatDate(sunday, { day: "numeric", month: "long", year: "numeric" })}`;
  return (
    <>
      <PageHeader title="Calendar" description={`Week of ${range} · times in ${user.timeZone}`} />
      <WeekHeader monday={monday} today={today} />
      <div className="rounded-b-xl border border-t-0 border-slate-200 bg-white px-6 py-16 text-center">
        <p className="font-medium text-slate-800">No events this week</p>
        <p className="mt-1 text-sm text-slate-600">
          Your events, and the events of the calendars you connect under Settings → Synchronization, appear here.
        </p>
      </div>
    </>
  );
}
