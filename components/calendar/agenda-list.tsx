"use client";

import { itemTone } from "@/components/calendar/week-grid";
import { useFormats } from "@/components/formats-provider";
import type { CalendarItem } from "@/lib/calendar/events";
import { addDaysToDate } from "@/lib/calendar/time";
import { coversDate } from "@/lib/calendar/view-layout";

interface Props {
  firstDay: string;
  days: number;
  today: string;
  timeZone: string;
  items: CalendarItem[];
  onOpen: (item: CalendarItem) => void;
}

/** Upcoming events day by day, days without events left out: the calendar as a list, made for a phone. */
export function AgendaList({ firstDay, days, today, timeZone, items, onOpen }: Props) {
  const formats = useFormats();
  const dates = Array.from({ length: days }, (_, index) => addDaysToDate(firstDay, index));
  const filled = dates.map((date) => ({ date, items: items.filter((item) => coversDate(item, date, timeZone)) })).filter((day) => day.items.length > 0);
  return (
    <div data-testid="agenda-view" className="rounded-xl border border-slate-200 bg-white shadow-sm">
      {filled.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-slate-600">Nothing planned in these {days} days.</p>
      ) : (
        <ol className="divide-y divide-slate-100">
          {filled.map((day) => (
            <li key={day.date} data-date={day.date} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:gap-6">
              <h3 className={`text-sm font-semibold sm:w-56 sm:shrink-0 ${day.date === today ? "text-brand-700" : "text-slate-900"}`}>
                {day.date === today && <span className="mr-1">Today ·</span>}
                {formats.dayTitle(day.date)}
              </h3>
              <ul className="flex flex-1 flex-col gap-1.5">
                {day.items.map((item) => (
                  <li key={`${item.eventId}-${item.originalStart ?? ""}`}>
                    <button type="button" onClick={() => onOpen(item)} className={`flex w-full items-baseline gap-3 rounded-md border-l-4 px-3 py-2 text-left text-sm ${itemTone(item)}`}>
                      <span className="w-28 shrink-0 tabular-nums">{item.allDay ? "All day" : `${formats.time(item.start)} – ${formats.time(item.end)}`}</span>
                      <span className="min-w-0 flex-1">
                        <span className="block truncate font-semibold">
                          {item.recurring && <span className="sr-only">Repeats: </span>}
                          {item.title || "(No title)"}
                        </span>
                        {item.location && <span className="block truncate text-xs">{item.location}</span>}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
