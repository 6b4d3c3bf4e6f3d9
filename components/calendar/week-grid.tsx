"use client";

import { useEffect, useRef } from "react";
import { NowLine } from "@/components/calendar/now-line";
import type { CalendarItem } from "@/lib/calendar/events";
import { coversDate, layoutDay, timeLabel } from "@/lib/calendar/view-layout";

export const HOUR = 48;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

interface Props {
  /** The days shown, one column each: seven for the week, one for the day view. */
  dates: string[];
  /** The day to bring into view on a narrow screen, where the week scrolls sideways a few days at a time. */
  focusDate: string;
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

export function WeekGrid({ dates, focusDate, today, timeZone, items, onCreate, onOpen }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const sideways = useRef<HTMLDivElement>(null);
  const allDay = items.filter((item) => item.allDay);
  const week = dates.length > 1;
  // On a phone a week shows three days at a time and pages sideways by day (scroll snapping).
  const columns = { gridTemplateColumns: `4rem repeat(${dates.length}, minmax(0, 1fr))` };
  const first = dates[0];

  useEffect(() => {
    // Open on the working day, not at midnight.
    if (scroller.current) scroller.current.scrollTop = 7 * HOUR;
  }, [first]);

  useEffect(() => {
    const container = sideways.current;
    const column = container?.querySelector<HTMLElement>(`[data-column="${focusDate}"]`);
    if (container && column) container.scrollLeft = column.offsetLeft - 64;
  }, [focusDate]);

  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid={week ? "week-view" : "day-view"}>
      <div ref={sideways} className={week ? "snap-x snap-mandatory overflow-x-auto sm:overflow-x-visible" : ""}>
        <div className={week ? "week-strip" : ""}>
          <div className="grid border-b border-slate-200" style={columns}>
            <div className="sticky left-0 z-10 bg-white" />
            {dates.map((date) => (
              <div key={date} data-column={date} className="snap-start scroll-ml-16 border-l border-slate-100 px-1 py-2 text-center" aria-current={date === today ? "date" : undefined}>
                <span className="block text-xs font-medium tracking-wide text-slate-600 uppercase">{dayLabel(date, { weekday: week ? "short" : "long" })}</span>
                <span className={`mx-auto mt-1 grid size-8 place-items-center rounded-full text-sm font-semibold ${date === today ? "bg-brand-700 text-white" : "text-slate-900"}`}>
                  {Number(date.slice(8))}
                </span>
              </div>
            ))}
          </div>
          <div className="grid border-b border-slate-200 bg-slate-50" style={columns} role="group" aria-label="All-day events">
            <div className="sticky left-0 z-10 bg-slate-50 px-2 py-1.5 text-right text-[11px] text-slate-600">all-day</div>
            {dates.map((date) => (
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
            <div className="grid" style={{ ...columns, height: 24 * HOUR }}>
              <div className="sticky left-0 z-10 bg-white">
                {HOURS.map((hour) => (
                  <span key={hour} className="absolute right-2 -translate-y-2 text-[11px] text-slate-600" style={{ top: hour * HOUR }}>
                    {hour === 0 ? "" : `${String(hour).padStart(2, "0")}:00`}
                  </span>
                ))}
              </div>
              {dates.map((date) => (
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
                  <NowLine date={date} timeZone={timeZone} hourHeight={HOUR} />
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
      </div>
    </div>
  );
}
