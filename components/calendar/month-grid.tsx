"use client";

import Link from "next/link";
import { itemTone } from "@/components/calendar/week-grid";
import { useFormats } from "@/components/formats-provider";
import type { CalendarItem } from "@/lib/calendar/events";
import { addDaysToDate } from "@/lib/calendar/time";
import { coversDate } from "@/lib/calendar/view-layout";

const SHOWN = 3;

interface Props {
  firstDay: string;
  days: number;
  anchor: string;
  today: string;
  timeZone: string;
  items: CalendarItem[];
  onCreate: (start: { date: string; time: string }) => void;
  onOpen: (item: CalendarItem) => void;
}

export function MonthGrid({ firstDay, days, anchor, today, timeZone, items, onCreate, onOpen }: Props) {
  const dates = Array.from({ length: days }, (_, index) => addDaysToDate(firstDay, index));
  const month = anchor.slice(0, 7);
  const formats = useFormats();
  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="month-view">
      <div className="grid grid-cols-7 border-b border-slate-200 text-center text-xs font-medium tracking-wide text-slate-600 uppercase">
        {formats.weekdays().map((day) => (
          <div key={day.code} className="py-2">
            <abbr title={day.long} className="no-underline">
              {day.short}
            </abbr>
          </div>
        ))}
      </div>
      <div className="grid grid-cols-7">
        {dates.map((date) => {
          const dayItems = items.filter((item) => coversDate(item, date, timeZone));
          const inMonth = date.slice(0, 7) === month;
          return (
            <div
              key={date}
              data-date={date}
              className={`flex min-h-28 cursor-pointer flex-col gap-1 border-t border-l border-slate-100 p-1.5 [&:nth-child(7n+1)]:border-l-0 ${inMonth ? "" : "bg-slate-50 text-slate-500"}`}
              onClick={() => onCreate({ date, time: "09:00" })}
            >
              <span aria-current={date === today ? "date" : undefined} className={`grid size-6 place-items-center rounded-full text-xs font-semibold ${date === today ? "bg-brand-700 text-white" : ""}`}>
                {Number(date.slice(8))}
              </span>
              {dayItems.slice(0, SHOWN).map((item) => (
                <button
                  key={`${item.eventId}-${item.originalStart ?? ""}`}
                  type="button"
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(item);
                  }}
                  className={`truncate rounded px-1.5 py-0.5 text-left text-xs ${item.allDay ? `border-l-4 font-medium ${itemTone(item)}` : "text-slate-800 hover:bg-slate-100"}`}
                >
                  {!item.allDay && <span className="mr-1 text-slate-500 tabular-nums">{formats.time(item.start)}</span>}
                  {item.title || "(No title)"}
                </button>
              ))}
              {dayItems.length > SHOWN && (
                <Link href={`/calendar?view=day&date=${date}`} onClick={(event) => event.stopPropagation()} className="px-1.5 text-xs font-medium text-brand-700 hover:underline">
                  +{dayItems.length - SHOWN} more
                </Link>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
