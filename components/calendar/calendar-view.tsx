"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { LoadedEvent } from "@/app/(app)/calendar/actions";
import { AgendaList } from "@/components/calendar/agenda-list";
import { DateJump } from "@/components/calendar/date-jump";
import { EventDialog, type DialogTarget } from "@/components/calendar/event-dialog";
import { MonthGrid } from "@/components/calendar/month-grid";
import { MoveScopeDialog } from "@/components/calendar/move-scope-dialog";
import { SearchResults, resultItem } from "@/components/calendar/search-results";
import { itemKey } from "@/components/calendar/use-grid-drag";
import { FormAlert } from "@/components/form-alert";
import { useFormats } from "@/components/formats-provider";
import { WeekGrid } from "@/components/calendar/week-grid";
import { useHydrated } from "@/components/use-hydrated";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { CalendarItem } from "@/lib/calendar/events";
import type { Formats } from "@/lib/calendar/formats";
import type { SearchResult } from "@/lib/calendar/search-events";
import { addDaysToDate } from "@/lib/calendar/time";
import { VIEWS, calendarHref, shiftAnchor, type CalendarViewName } from "@/lib/calendar/views";
import type { EventTrace } from "@/lib/sync/trace";
import type { EventFormValues } from "@/lib/validations/event";

export interface CalendarActions {
  load: (input: { target: NonNullable<DialogTarget["target"]>; start: string; end: string }) => Promise<ActionResult<LoadedEvent>>;
  save: (input: { target: DialogTarget["target"]; scope: "this" | "following" | "all"; form: EventFormValues }) => Promise<ActionResult<null>>;
  remove: (input: { target: NonNullable<DialogTarget["target"]>; scope: "this" | "following" | "all" }) => Promise<ActionResult<null>>;
  move: (input: { target: NonNullable<DialogTarget["target"]>; scope: "this" | "all"; startDeltaMinutes: number; endDeltaMinutes: number }) => Promise<ActionResult<null>>;
  /** The event's sync trace (lib/sync/trace.ts). */
  trace: (input: { eventId: string }) => Promise<ActionResult<EventTrace>>;
}

interface PendingMove {
  item: CalendarItem;
  startDelta: number;
  endDelta: number;
}

interface Props {
  view: CalendarViewName;
  /** The address named the view; without it a narrow screen switches to the agenda. */
  viewChosen: boolean;
  anchor: string;
  firstDay: string;
  days: number;
  today: string;
  timeZone: string;
  items: CalendarItem[];
  /** A search in the address (`q`): its results show above the calendar. */
  search: { query: string; results: SearchResult[] } | null;
  actions: CalendarActions;
}

const LABELS: Record<CalendarViewName, { name: string; unit: string }> = {
  day: { name: "Day", unit: "day" },
  week: { name: "Week", unit: "week" },
  month: { name: "Month", unit: "month" },
  agenda: { name: "Agenda", unit: "30 days" },
};

function viewTitle(formats: Formats, view: CalendarViewName, anchor: string, firstDay: string, days: number): string {
  if (view === "day") return formats.dayTitle(anchor);
  if (view === "month") return formats.monthTitle(anchor);
  return formats.rangeTitle(firstDay, addDaysToDate(firstDay, days - 1));
}

/** Below this width the agenda is the default and a week pages sideways by day. */
const NARROW = "(max-width: 639px)";

export function CalendarView({ view, viewChosen, anchor, firstDay, days, today, timeZone, items, search, actions }: Props) {
  const router = useRouter();
  const [dialog, setDialog] = useState<DialogTarget | null>(null);
  const [askScope, setAskScope] = useState<PendingMove | null>(null);
  const [moveError, setMoveError] = useState<string | null>(null);
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const hydrated = useHydrated();
  const formats = useFormats();

  const move = async ({ item, startDelta, endDelta }: PendingMove, scope: "this" | "all") => {
    setAskScope(null);
    setMoveError(null);
    const result = await actions.move({ target: fromItem(item).target as NonNullable<DialogTarget["target"]>, scope, startDeltaMinutes: startDelta, endDeltaMinutes: endDelta });
    if (!result.ok) setMoveError(result.error);
    setFocusKey(itemKey(item));
    router.refresh();
  };
  // One occurrence of a series: ask whether the change is for it alone or for the whole series.
  const onMove = (item: CalendarItem, startDelta: number, endDelta: number) =>
    item.seriesId ? setAskScope({ item, startDelta, endDelta }) : void move({ item, startDelta, endDelta }, "all");
  const href = (date: string, to = view) => calendarHref(to, date);
  const title = viewTitle(formats, view, anchor, firstDay, days);
  const unit = LABELS[view].unit;
  const dates = view === "day" || view === "week" ? Array.from({ length: days }, (_, index) => addDaysToDate(firstDay, index)) : [];

  useEffect(() => {
    if (!viewChosen && window.matchMedia(NARROW).matches) router.replace(calendarHref("agenda", anchor));
  }, [viewChosen, anchor, router]);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="sr-only">Calendar</h1>
        <h2 className="mr-auto text-2xl font-semibold tracking-tight text-slate-900">{title}</h2>
        <nav aria-label="Calendar navigation" className="flex items-center gap-2">
          <Link href={href(today)} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
            Today
          </Link>
          <Link href={href(shiftAnchor(view, anchor, -1))} aria-label={`Previous ${unit}`} className="rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-800 hover:bg-slate-50">
            ‹
          </Link>
          <Link href={href(shiftAnchor(view, anchor, 1))} aria-label={`Next ${unit}`} className="rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-800 hover:bg-slate-50">
            ›
          </Link>
          <DateJump key={anchor} anchor={anchor} onGo={(date) => router.push(href(date))} />
        </nav>
        <div role="group" aria-label="View" className="flex overflow-hidden rounded-md border border-slate-300 text-sm font-medium">
          {VIEWS.map((option) => (
            <Link
              key={option}
              href={href(anchor, option)}
              aria-current={view === option ? "page" : undefined}
              className={`px-3 py-1.5 ${view === option ? "bg-brand-700 text-white" : "bg-white text-slate-800 hover:bg-slate-50"}`}
            >
              {LABELS[option].name}
            </Link>
          ))}
        </div>
        <form role="search" action="/calendar" className="flex">
          <input type="hidden" name="view" value={view} />
          <input type="hidden" name="date" value={anchor} />
          <label htmlFor="calendar-search" className="sr-only">
            Search events
          </label>
          <input
            id="calendar-search"
            type="search"
            name="q"
            defaultValue={search?.query ?? ""}
            placeholder="Search events"
            maxLength={200}
            className="w-40 rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm text-slate-800 placeholder:text-slate-500 sm:w-48"
          />
        </form>
        <Link href="/calendar/recently-deleted" className="text-sm font-medium text-brand-700 underline">
          Recently deleted
        </Link>
        <button
          type="button"
          onClick={() => setDialog({ target: null, start: { date: anchor, time: "09:00" }, allDay: false })}
          disabled={!hydrated}
          className="rounded-md bg-brand-700 px-4 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-800"
        >
          New event
        </button>
      </div>
      <p className="-mt-2 text-sm text-slate-600">Times in {timeZone.replace(/_/g, " ")}</p>
      {search && (
        <SearchResults
          query={search.query}
          results={search.results}
          timeZone={timeZone}
          clearHref={href(anchor)}
          onOpen={(result) => setDialog({ target: result.target, item: resultItem(result) })}
        />
      )}

      {view === "month" ? (
        <MonthGrid firstDay={firstDay} days={days} anchor={anchor} today={today} timeZone={timeZone} items={items} onCreate={(start) => setDialog({ target: null, start, allDay: false })} onOpen={(item) => setDialog(fromItem(item))} />
      ) : view === "agenda" ? (
        <AgendaList firstDay={firstDay} days={days} today={today} timeZone={timeZone} items={items} onOpen={(item) => setDialog(fromItem(item))} />
      ) : (
        <WeekGrid
          dates={dates}
          focusDate={dates.includes(today) ? today : anchor}
          today={today}
          timeZone={timeZone}
          items={items}
          onCreate={(start, allDay, end) => setDialog({ target: null, start, allDay, end })}
          onOpen={(item) => setDialog(fromItem(item))}
          onMove={onMove}
          focusKey={focusKey}
        />
      )}
      {moveError && <FormAlert message={moveError} />}
      {askScope && <MoveScopeDialog title={askScope.item.title} resize={askScope.startDelta === 0} onChoose={(scope) => void move(askScope, scope)} onCancel={() => setAskScope(null)} />}

      {dialog && (
        <EventDialog
          key={`${dialog.target?.eventId ?? "new"}-${dialog.target?.originalStart ?? dialog.start?.date}`}
          dialog={dialog}
          timeZone={timeZone}
          actions={actions}
          onClose={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            router.refresh();
          }}
        />
      )}
    </div>
  );
}

function fromItem(item: CalendarItem): DialogTarget {
  return {
    target: { eventId: item.eventId, seriesId: item.seriesId, originalStart: item.seriesId ? item.originalStart : null },
    item,
  };
}
