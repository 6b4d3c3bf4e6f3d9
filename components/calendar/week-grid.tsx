"use client";

import { useEffect, useRef } from "react";
import type { CalendarItem } from "@/lib/calendar/events";
import { addDaysToDate } from "@/lib/calendar/time";
import { coversDate, layoutDay, timeLabel } from "@/lib/calendar/view-layout";

const HOUR = 48;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

interface Props {
  firstDay: string;
  today: string;
  timeZone: string;
  items: CalendarItem[];
  onCreate: (start: { date: string; time: string }, allDay: boolean) => void;
  onOpen: (item: CalendarItem) => void;
}

const dayLabel = (date: string, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-GB", { ...options, timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));

export function itemTone(item: CalendarItem): string {
  if (item.status === "tentative") return "border-dashed border-brand-600 bg-white text-brand-800";
  if (item.transparency === "transparent") return "border-slate-300 bg-slate-100 text-slate-800";
  return "border-brand-700 bg-brand-50 text-brand-800";
}

export function WeekGrid({ firstDay, today, timeZone, items, onCreate, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const days = Array.from({ length: 7 }, (_, index) => addDaysToDate(firstDay, index));
  const allDay = items.filter((item) => item.allDay);

  useEffect(() => {
    // Open on the working day, not at midnight.
    if (scroller.current) scroller.current.scrollTop = 7 * HOUR;
  }, [firstDay]);

  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="week-view">
      <div className="grid grid-cols-[4rem_repeat(7,minmax(0,1fr))] border-b border-slate-200">
        <div />
        {days.map((date) => (
          <div key={date} className="border-l border-slate-100 px-1 py-2 text-center" aria-current={date === today ? "date" : undefined}>
            <span className="block text-xs font-medium tracking-wide text-slate-600 uppercase">{dayLabel(date, { weekday: "short" })}</span>
            <span className={`mx-auto mt-1 grid size-8 place-items-center rounded-full text-sm font-semibold ${date === today ? "bg-brand-700 text-white" : "text-slate-900"}`}>
              {Number(date.slice(8))}
            </span>
          </div>
        ))}
      </div>
      <div className="grid grid-cols-[4rem_repeat(7,minmax(0,1fr))] border-b border-slate-200 bg-slate-50/60" role="group" aria-label="All-day events">
        <div className="px-2 py-1.5 text-right text-[11px] text-slate-500">all-day</div>
        {days.map((date) => (
          <div key={date} data-date={date} className="flex min-h-9 flex-col gap-1 border-l border-slate-100 p-1" onDoubleClick={() => onCreate({ date, time: "09:00" }, true)}>
            {allDay
              .filter((item) => coversDate(item, date, timeZone))
              .map((item) => (
                <button
                  key={`${item.eventId}-${item.originalStart ?? ""}`}
                  type="button"
                  onClick={() => onOpen(item)}
                  className={`truncate rounded border-l-4 px-1.5 py-0.5 text-left text-xs font-medium ${itemTone(item)}`}
                >
                  {item.title || "(No title)"}
                </button>
              ))}
          </div>
        ))}
      </div>
      <div ref={scroller} className="relative h-[36rem] overflow-y-auto">
        <div className="grid grid-cols-[4rem_repeat(7,minmax(0,1fr))]" style={{ height: 24 * HOUR }}>
          <div className="relative">
            {HOURS.map((hour) => (
              <span key={hour} className="absolute right-2 -translate-y-2 text-[11px] text-slate-500" style={{ top: hour * HOUR }}>
                {hour === 0 ? "" : `${String(hour).padStart(2, "0")}:00`}
              </span>
            ))}
          </div>
          {days.map((date) => (
            <div
              key={date}
              data-date={date}
              className={`relative cursor-pointer border-l border-slate-100 ${date === today ? "bg-brand-50/30" : ""}`}
              onClick={(event) => {
                const offset = event.clientY - event.currentTarget.getBoundingClientRect().top;
                const minutes = Math.max(0, Math.min(23 * 60 + 30, Math.floor(offset / (HOUR / 2)) * 30));
                onCreate({ date, time: `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}` }, false);
              }}
            >
              {HOURS.map((hour) => (
                <div key={hour} className="absolute inset-x-0 border-t border-slate-100" style={{ top: hour * HOUR }} />
              ))}
              {layoutDay(items, date, timeZone).map((block) => (
                <button
                  key={`${block.item.eventId}-${block.item.originalStart ?? ""}`}
                  type="button"
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(block.item);
                  }}
                  className={`absolute overflow-hidden rounded-md border-l-4 px-1.5 py-0.5 text-left text-xs shadow-sm ${itemTone(block.item)}`}
                  style={{
                    top: (block.top / 60) * HOUR,
                    height: Math.max(((block.bottom - block.top) / 60) * HOUR - 2, 18),
                    left: `calc(${(block.column / block.columns) * 100}% + 2px)`,
                    width: `calc(${100 / block.columns}% - 4px)`,
                  }}
                >
                  <span className="block truncate font-semibold">
                    {block.item.recurring && (
                      <>
                        <span className="sr-only">Repeats: </span>
                        <span aria-hidden="true">↻ </span>
                      </>
                    )}
                    {block.item.title || "(No title)"}
                  </span>
                  {block.bottom - block.top >= 45 ? (
                    <span className="block truncate">
                      {timeLabel(block.item.start, timeZone)} – {timeLabel(block.item.end, timeZone)}
                      {block.item.location && ` · ${block.item.location}`}
                    </span>
                  ) : (
                    <span className="sr-only">
                      {timeLabel(block.item.start, timeZone)} – {timeLabel(block.item.end, timeZone)}
                    </span>
                  )}
                </button>
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
