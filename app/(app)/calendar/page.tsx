import type { Metadata } from "next";
import { CalendarView } from "@/components/calendar/calendar-view";
import { requireUser } from "@/lib/auth/session";
import { listRange } from "@/lib/calendar/events";
import { rangeOf, monthGridStart, weekStart } from "@/lib/calendar/view-layout";
import { formatDate, todayIn } from "@/lib/calendar/zoned-date";
import { deleteEventAction, loadEventAction, saveEventAction } from "./actions";

export const metadata: Metadata = { title: "Calendar" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(date: { year: number; month: number; day: number }): string {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

export default async function CalendarPage({ searchParams }: { searchParams: Promise<{ view?: string; date?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const view = params.view === "month" ? "month" : "week";
  const today = isoDate(todayIn(user.timeZone));
  const anchor = params.date && DATE.test(params.date) && !Number.isNaN(Date.parse(params.date)) ? params.date : today;
  const firstDay = view === "week" ? weekStart(anchor) : monthGridStart(anchor);
  const days = view === "week" ? 7 : 42;
  const { from, to } = rangeOf(firstDay, days, user.timeZone);
  const items = await listRange(user.id, from, to);
  const [year = 1970, month = 1] = anchor.split("-").map(Number);
  const title = view === "month" ? formatDate({ year, month, day: 1 }, { month: "long", year: "numeric" }) : undefined;
  return (
    <CalendarView
      view={view}
      anchor={anchor}
      firstDay={firstDay}
      days={days}
      today={today}
      timeZone={user.timeZone}
      monthTitle={title}
      items={items}
      actions={{ load: loadEventAction, save: saveEventAction, remove: deleteEventAction }}
    />
  );
}
