"use client";

import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { NowLine } from "@/components/calendar/now-line";
import { useFormats } from "@/components/formats-provider";
import { SNAP, itemKey, useGridDrag } from "@/components/calendar/use-grid-drag";
import type { CalendarItem } from "@/lib/calendar/events";
import { addDaysToDate } from "@/lib/calendar/time";
import { coversDate, layoutDay } from "@/lib/calendar/view-layout";

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
  onCreate: (start: { date: string; time: string }, allDay: boolean, end?: { date: string; time: string }) => void;
  onOpen: (item: CalendarItem) => void;
  /** An event moved (or resized) by dragging or the arrow keys; deltas in minutes. */
  onMove: (item: CalendarItem, startDelta: number, endDelta: number) => void;
  /** The event to give the focus back to after the grid re-renders (keyboard moves). */
  focusKey: string | null;
}

const PER_MINUTE = HOUR / 60;
/** A time of day as the event form's time input takes it: "HH:mm". */
const inputTime = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
/** How long the arrow keys wait for the next press before an event's move is saved. */
const KEY_SETTLE_MS = 700;

export function itemTone(item: CalendarItem): string {
  if (item.status === "tentative") return "border-dashed border-brand-600 bg-white text-brand-800";
  if (item.transparency === "transparent") return "border-slate-300 bg-slate-100 text-slate-800";
  return "border-brand-700 bg-brand-50 text-brand-800";
}

export function WeekGrid({ dates, focusDate, today, timeZone, items, onCreate, onOpen, onMove, focusKey }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const formats = useFormats();
  const create = (date: string, from: number, to: number | null) =>
    onCreate({ date, time: inputTime(from) }, false, to === null ? undefined : to >= 24 * 60 ? { date: addDaysToDate(date, 1), time: "00:00" } : { date, time: inputTime(to) });
  const { drag, startCreate, startMove, consumeClick } = useGridDrag(dates, PER_MINUTE, { onCreate: create, onMove });
  // The keyboard's place on the grid: a day and a half hour; Enter creates an event there.
  const [slot, setSlot] = useState<{ day: number; minute: number } | null>(null);
  // Arrow keys on an event: where it goes, saved once the keys rest.
  const [nudge, setNudge] = useState<{ key: string; item: CalendarItem; minutes: number; days: number } | null>(null);
  const settle = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!focusKey) return;
    body.current?.querySelector<HTMLElement>(`[data-event-key="${CSS.escape(focusKey)}"]`)?.focus();
  }, [focusKey, items]);

  const onSlotKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.target !== event.currentTarget) return;
    const current = slot ?? { day: Math.max(0, dates.indexOf(focusDate)), minute: 9 * 60 };
    const moves: Record<string, { day: number; minute: number }> = {
      ArrowUp: { ...current, minute: Math.max(0, current.minute - 30) },
      ArrowDown: { ...current, minute: Math.min(23 * 60 + 30, current.minute + 30) },
      ArrowLeft: { ...current, day: Math.max(0, current.day - 1) },
      ArrowRight: { ...current, day: Math.min(dates.length - 1, current.day + 1) },
    };
    const next = moves[event.key];
    if (next) {
      event.preventDefault();
      setSlot(next);
      if (scroller.current) scroller.current.scrollTop = Math.max(0, next.minute * PER_MINUTE - 3 * HOUR);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const date = dates[current.day];
      if (date) create(date, current.minute, null);
    }
  };

  const onEventKey = (event: KeyboardEvent<HTMLButtonElement>, item: CalendarItem) => {
    const steps: Record<string, { minutes: number; days: number }> = { ArrowUp: { minutes: -SNAP, days: 0 }, ArrowDown: { minutes: SNAP, days: 0 }, ArrowLeft: { minutes: 0, days: -1 }, ArrowRight: { minutes: 0, days: 1 } };
    const step = steps[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    const key = itemKey(item);
    const base = nudge?.key === key ? nudge : { key, item, minutes: 0, days: 0 };
    const next = { ...base, minutes: base.minutes + step.minutes, days: base.days + step.days };
    setNudge(next);
    window.clearTimeout(settle.current);
    settle.current = window.setTimeout(() => {
      setNudge(null);
      const delta = next.days * 24 * 60 + next.minutes;
      if (delta !== 0) onMove(item, delta, delta);
    }, KEY_SETTLE_MS);
  };

  const slotLabel = (() => {
    const current = slot ?? { day: Math.max(0, dates.indexOf(focusDate)), minute: 9 * 60 };
    const date = dates[current.day] ?? focusDate;
    return `${formats.dayTitle(date)}, ${formats.clock(current.minute)}`;
  })();
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
    // Past the 4rem of hours, the focused day first.
    if (container && column) container.scrollLeft += column.getBoundingClientRect().left - container.getBoundingClientRect().left - 64;
  }, [focusDate]);

  return (
    <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid={week ? "week-view" : "day-view"}>
      <div ref={sideways} className={week ? "snap-x snap-mandatory overflow-x-auto sm:overflow-x-visible" : ""}>
        <div className={week ? "week-strip" : ""}>
          <div className="grid border-b border-slate-200" style={columns}>
            <div className="sticky left-0 z-10 bg-white" />
            {dates.map((date) => (
              <div key={date} data-column={date} className="snap-start scroll-ml-16 border-l border-slate-100 px-1 py-2 text-center" aria-current={date === today ? "date" : undefined}>
                <span className="block text-xs font-medium tracking-wide text-slate-600 uppercase">{formats.weekday(date, week ? "short" : "long")}</span>
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
            <div
              ref={body}
              className="grid focus-visible:outline-offset-[-2px]"
              style={{ ...columns, height: 24 * HOUR }}
              tabIndex={0}
              role="group"
              aria-label="Time slots"
              aria-describedby="time-slot-help"
              onKeyDown={onSlotKey}
              onFocus={(event) => {
                // The slot shows for the keyboard only: a mouse press focuses the grid too, and drags instead.
                if (event.target === event.currentTarget && !slot && event.currentTarget.matches(":focus-visible")) setSlot({ day: Math.max(0, dates.indexOf(focusDate)), minute: 9 * 60 });
              }}
              onBlur={(event) => event.target === event.currentTarget && setSlot(null)}
            >
              <p id="time-slot-help" className="sr-only" aria-live="polite">
                {slot ? `${slotLabel}. ` : ""}Arrow keys choose a time, Enter creates an event there. On an event, arrow keys move it and Enter opens it.
              </p>
              <div className="sticky left-0 z-10 bg-white">
                {HOURS.map((hour) => (
                  <span key={hour} className="absolute right-2 -translate-y-2 text-[11px] text-slate-600" style={{ top: hour * HOUR }}>
                    {hour === 0 ? "" : formats.hourLabel(hour)}
                  </span>
                ))}
              </div>
              {dates.map((date, dayIndex) => (
                <div
                  key={date}
                  data-date={date}
                  className={`relative cursor-pointer border-l border-slate-100 select-none ${date === today ? "bg-brand-50/30" : ""}`}
                  onPointerDown={(event) => startCreate(event, date)}
                  onClick={(event) => {
                    // Touch taps arrive only as clicks (dragging is for mouse and pen).
                    if ((event.nativeEvent as PointerEvent).pointerType !== "touch") return;
                    const minutes = Math.floor((event.clientY - event.currentTarget.getBoundingClientRect().top) / (HOUR / 2)) * 30;
                    create(date, Math.max(0, Math.min(23 * 60 + 30, minutes)), null);
                  }}
                >
                  {HOURS.map((hour) => (
                    <div key={hour} className="absolute inset-x-0 border-t border-slate-100" style={{ top: hour * HOUR }} />
                  ))}
                  <NowLine date={date} timeZone={timeZone} hourHeight={HOUR} />
                  {slot?.day === dayIndex && (
                    <div aria-hidden="true" data-testid="slot-cursor" className="pointer-events-none absolute inset-x-0.5 rounded-md border-2 border-brand-600 bg-brand-50/60" style={{ top: slot.minute * PER_MINUTE, height: HOUR / 2 }} />
                  )}
                  {drag?.kind === "create" && drag.moved && drag.date === date && (
                    <div
                      aria-hidden="true"
                      data-testid="new-span"
                      className="pointer-events-none absolute inset-x-0.5 rounded-md border border-brand-600 bg-brand-100/80 px-1.5 text-xs font-semibold text-brand-800"
                      style={{ top: Math.min(drag.from, drag.to) * PER_MINUTE, height: (Math.abs(drag.to - drag.from) + SNAP) * PER_MINUTE }}
                    >
                      {formats.clock(Math.min(drag.from, drag.to))} – {formats.clock(Math.max(drag.from, drag.to) + SNAP)}
                    </div>
                  )}
                  {layoutDay(items, date, timeZone).map((block) => {
                    const key = itemKey(block.item);
                    const dragging = drag && drag.kind !== "create" && drag.key === key ? drag : null;
                    const nudged = nudge?.key === key ? nudge : null;
                    const shiftY = (dragging?.kind === "move" ? dragging.minuteDelta : (nudged?.minutes ?? 0)) * PER_MINUTE;
                    const shiftX = dragging?.kind === "move" ? `${dragging.dayDelta * dragging.columnWidth}px` : nudged ? `${nudged.days * 100}%` : "0px";
                    const grow = dragging?.kind === "resize" ? dragging.minuteDelta * PER_MINUTE : 0;
                    return (
                      <button
                        key={`${block.item.eventId}-${block.item.originalStart ?? ""}`}
                        type="button"
                        data-event-key={key}
                        onPointerDown={(event) => startMove(event, block.item, date, "move")}
                        onKeyDown={(event) => onEventKey(event, block.item)}
                        onClick={(event) => {
                          event.stopPropagation();
                          if (!consumeClick()) onOpen(block.item);
                        }}
                        className={`absolute overflow-hidden rounded-md border-l-4 px-1.5 py-0.5 text-left text-xs shadow-sm ${itemTone(block.item)} ${dragging || nudged ? "z-30 opacity-90 ring-2 ring-brand-600" : ""}`}
                        style={{
                          top: (block.top / 60) * HOUR,
                          height: Math.max(((block.bottom - block.top) / 60) * HOUR - 2 + grow, 18),
                          left: `calc(${(block.column / block.columns) * 100}% + 2px)`,
                          width: `calc(${100 / block.columns}% - 4px)`,
                          transform: shiftY || shiftX !== "0px" ? `translate(${shiftX}, ${shiftY}px)` : undefined,
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
                            {formats.time(block.item.start)} – {formats.time(block.item.end)}
                            {block.item.location && ` · ${block.item.location}`}
                          </span>
                        ) : (
                          <span className="sr-only">
                            {formats.time(block.item.start)} – {formats.time(block.item.end)}
                          </span>
                        )}
                        {!block.item.allDay && !block.continuesAfter && (
                          <span
                            aria-hidden="true"
                            data-testid="resize-handle"
                            className="absolute inset-x-0 bottom-0 h-1.5 cursor-ns-resize"
                            onPointerDown={(event) => startMove(event, block.item, date, "resize")}
                          />
                        )}
                      </button>
                    );
                  })}
                </div>
              ))}
            </div>
          </div>
        </div>
      </div>
    </div>
  );
}
