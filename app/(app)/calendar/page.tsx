import type { Metadata } from "next";
import { CalendarView } from "@/components/calendar/calendar-view";
import { formatsFor } from "@/lib/auth/formats";
import { requireUser } from "@/lib/auth/session";
import { listRange } from "@/lib/calendar/events";
import { searchEvents } from "@/lib/calendar/search-events";
import { rangeOf } from "@/lib/calendar/view-layout";
import { parseView, viewDays } from "@/lib/calendar/views";
import { todayIn } from "@/lib/calendar/zoned-date";
import { deleteEventAction, loadEventAction, loadTraceAction, moveEventAction, saveEventAction } from "./actions";

export const metadata: Metadata = { title: "Calendar" };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(date: { year: number; month: number; day: number }): string {
  return `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

export default async function CalendarPage({ searchParams }: { searchParams: Promise<{ view?: string; date?: string; q?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  const chosen = parseView(params.view);
  // Without a view in the address the page renders the week; a narrow screen then switches to the agenda.
  const view = chosen ?? "week";
  const today = isoDate(todayIn(user.timeZone));
  const anchor = params.date && DATE.test(params.date) && !Number.isNaN(Date.parse(params.date)) ? params.date : today;
  const { settings } = await formatsFor(user);
  const { firstDay, days } = viewDays(view, anchor, settings.weekStartsOn);
  const { from, to } = rangeOf(firstDay, days, user.timeZone);
  const query = (params.q ?? "").trim().slice(0, 200);
  const [items, results] = await Promise.all([listRange(user.id, from, to), query ? searchEvents(user.id, query) : Promise.resolve(null)]);
  return (
    <CalendarView
      view={view}
      viewChosen={chosen !== null}
      anchor={anchor}
      firstDay={firstDay}
      days={days}
      today={today}
      timeZone={user.timeZone}
      items={items}
      search={results ? { query, results } : null}
      actions={{ load: loadEventAction, save: saveEventAction, remove: deleteEventAction, move: moveEventAction, trace: loadTraceAction }}
    />
  );
}
