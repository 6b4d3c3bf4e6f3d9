import { addDaysToDate } from "@/lib/calendar/time";
import { startOfWeek, type WeekStart } from "@/lib/calendar/formats";
import { monthGridStart } from "@/lib/calendar/view-layout";

/** The calendar's views; each lives in the URL (`?view=…&date=…`) so a reload or a link shows the same. */
export const VIEWS = ["day", "week", "month", "agenda"] as const;
export type CalendarViewName = (typeof VIEWS)[number];

/** How many days the agenda lists from its first date. */
export const AGENDA_DAYS = 30;

export function parseView(value: string | undefined): CalendarViewName | null {
  return VIEWS.find((view) => view === value) ?? null;
}

/** The days a view shows around the date it is anchored on; weeks start on the person's first day of the week. */
export function viewDays(view: CalendarViewName, anchor: string, weekStartsOn: WeekStart): { firstDay: string; days: number } {
  switch (view) {
    case "day":
      return { firstDay: anchor, days: 1 };
    case "week":
      return { firstDay: startOfWeek(anchor, weekStartsOn), days: 7 };
    case "month":
      return { firstDay: monthGridStart(anchor, weekStartsOn), days: 42 };
    case "agenda":
      return { firstDay: anchor, days: AGENDA_DAYS };
  }
}

/** The anchor of the previous (-1) or next (+1) page of a view. */
export function shiftAnchor(view: CalendarViewName, anchor: string, direction: 1 | -1): string {
  switch (view) {
    case "day":
      return addDaysToDate(anchor, direction);
    case "week":
      return addDaysToDate(anchor, 7 * direction);
    case "agenda":
      return addDaysToDate(anchor, AGENDA_DAYS * direction);
    case "month": {
      const [year = 1970, month = 1] = anchor.split("-").map(Number);
      return new Date(Date.UTC(year, month - 1 + direction, 1)).toISOString().slice(0, 10);
    }
  }
}

export function calendarHref(view: CalendarViewName, date: string): string {
  return `/calendar?view=${view}&date=${date}`;
}
