import { CalendarDate, GregorianCalendar, Time, toCalendar, type DateValue } from "@internationalized/date";
import type { WeekStart } from "@/lib/calendar/formats";

/**
 * Between the form's plain strings (`YYYY-MM-DD`, `HH:MM`, what the zod schema and the server know)
 * and the date and time values the locale-aware fields edit. An empty or malformed string is "no
 * value yet": the field then shows its placeholder and the schema asks for a date.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const pad = (value: number, width = 2) => String(value).padStart(width, "0");

export function dateValueOf(text: string): CalendarDate | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new CalendarDate(year, month, day);
  // CalendarDate clamps a day past the month's end; such a string is no date.
  return date.day === day && date.month === month ? date : null;
}

/**
 * The ISO date of a picked value. A locale whose calendar is not the Gregorian one (th-TH's Buddhist
 * years, fa-IR's Persian months) picks in its own calendar; the stored date is always Gregorian.
 */
export function dateTextOf(value: DateValue | null): string {
  if (!value) return "";
  const date = toCalendar(value, new GregorianCalendar());
  return `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`;
}

export function timeValueOf(text: string): Time | null {
  const match = TIME.exec(text);
  return match ? new Time(Number(match[1]), Number(match[2])) : null;
}

export function timeTextOf(value: { hour: number; minute: number } | null): string {
  return value ? `${pad(value.hour)}:${pad(value.minute)}` : "";
}

const WEEKDAY_KEYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** The first day of a week as the date picker's calendar names it. */
export function weekdayKeyOf(day: WeekStart): (typeof WEEKDAY_KEYS)[number] {
  return WEEKDAY_KEYS[day];
}
