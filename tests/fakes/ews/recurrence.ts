import { findIana } from "windows-iana";
import { RRule } from "@/lib/calendar/rrule";
import { floatingFromInstant, instantFromFloating } from "@/lib/calendar/time";

/**
 * A recurring master's pattern as EWS stores it (types.xsd RecurrenceType), and its expansion into
 * occurrence starts. A series is expanded on the wall clock of its StartTimeZone, as Exchange does,
 * so a weekly 09:00 stays at 09:00 across a DST change.
 */

export type FakePattern =
  | { kind: "Daily"; interval: number }
  | { kind: "Weekly"; interval: number; daysOfWeek: string[]; firstDayOfWeek: string | null }
  | { kind: "AbsoluteMonthly"; interval: number; dayOfMonth: number }
  | { kind: "RelativeMonthly"; interval: number; dayOfWeek: string; index: string }
  | { kind: "AbsoluteYearly"; dayOfMonth: number; month: string }
  | { kind: "RelativeYearly"; dayOfWeek: string; index: string; month: string };

export type FakeRange =
  | { kind: "NoEnd"; startDate: string }
  | { kind: "EndDate"; startDate: string; endDate: string }
  | { kind: "Numbered"; startDate: string; count: number };

export interface FakeRecurrence {
  pattern: FakePattern;
  range: FakeRange;
}

export const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] as const;
const INDEX: Record<string, number> = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1 };
/** Outlook's limit on the occurrences of one series. */
export const MAX_OCCURRENCES = 999;

export function ianaOf(windowsZone: string): string {
  if (windowsZone === "UTC") return "UTC";
  return findIana(windowsZone as Parameters<typeof findIana>[0])[0] ?? "UTC";
}

function byDay(day: string, nth?: number) {
  const index = DAYS.indexOf(day as (typeof DAYS)[number]);
  if (index < 0) throw new Error(`Unknown day ${day}`);
  const base = [RRule.MO, RRule.TU, RRule.WE, RRule.TH, RRule.FR, RRule.SA, RRule.SU][index] ?? RRule.MO;
  return nth === undefined ? base : base.nth(nth);
}

/** "Second Tuesday", or one of Outlook's day groups ("last weekday") picked by position. */
function relative(day: string, index: string) {
  const groups: Record<string, string[]> = { Day: [...DAYS], Weekday: DAYS.slice(0, 5), WeekendDay: DAYS.slice(5) };
  const group = groups[day];
  return group ? { byweekday: group.map((d) => byDay(d)), bysetpos: INDEX[index] } : { byweekday: byDay(day, INDEX[index]) };
}

/** The original starts (UTC instants, ISO) of every occurrence of a series, in order. */
export function expand(recurrence: FakeRecurrence, start: string, startTimeZone: string): string[] {
  const zone = ianaOf(startTimeZone);
  const wall = floatingFromInstant(new Date(start), zone);
  const [year, month, day] = recurrence.range.startDate.slice(0, 10).split("-").map(Number) as [number, number, number];
  const dtstart = new Date(Date.UTC(year, month - 1, day, wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds()));
  const { pattern, range } = recurrence;
  const options: Partial<ConstructorParameters<typeof RRule>[0]> = { dtstart, wkst: RRule.MO };
  if (pattern.kind === "Daily") Object.assign(options, { freq: RRule.DAILY, interval: pattern.interval });
  if (pattern.kind === "Weekly")
    Object.assign(options, { freq: RRule.WEEKLY, interval: pattern.interval, byweekday: pattern.daysOfWeek.map((d) => byDay(d)), wkst: byDay(pattern.firstDayOfWeek ?? "Sunday") });
  if (pattern.kind === "AbsoluteMonthly") Object.assign(options, { freq: RRule.MONTHLY, interval: pattern.interval, bymonthday: pattern.dayOfMonth });
  if (pattern.kind === "RelativeMonthly") Object.assign(options, { freq: RRule.MONTHLY, interval: pattern.interval, ...relative(pattern.dayOfWeek, pattern.index) });
  if (pattern.kind === "AbsoluteYearly") Object.assign(options, { freq: RRule.YEARLY, bymonth: MONTHS.indexOf(pattern.month as (typeof MONTHS)[number]) + 1, bymonthday: pattern.dayOfMonth });
  if (pattern.kind === "RelativeYearly")
    Object.assign(options, { freq: RRule.YEARLY, bymonth: MONTHS.indexOf(pattern.month as (typeof MONTHS)[number]) + 1, ...relative(pattern.dayOfWeek, pattern.index) });
  if (range.kind === "Numbered") options.count = Math.min(range.count, MAX_OCCURRENCES);
  if (range.kind === "EndDate") options.until = new Date(`${range.endDate.slice(0, 10)}T23:59:59.000Z`);
  const rule = new RRule(options);
  return rule.all((_date, index) => index < MAX_OCCURRENCES).map((floating) => instantFromFloating(floating, zone).toISOString());
}
