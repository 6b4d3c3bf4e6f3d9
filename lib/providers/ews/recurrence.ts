import { DateTime, DateTimeKind, DayOfTheWeek, DayOfTheWeekIndex, Month, Recurrence } from "ews-javascript-api";
import type { EventContent } from "@/lib/calendar/event-content";
import { RRule } from "@/lib/calendar/rrule";
import { floatingFromInstant, instantFromFloating, pad } from "@/lib/calendar/time";

/**
 * RFC 5545 rules ↔ EWS recurrence patterns. EWS knows six patterns with one time of day and three
 * kinds of range; a rule outside them (BYSETPOS combinations other than Outlook's day groups,
 * HOURLY, BYHOUR, yearly intervals, RDATEs…) cannot be written, and is refused with a reason
 * rather than approximated.
 */

type Series = Pick<EventContent, "allDay" | "start" | "timeZone" | "rrule" | "rdates">;

/** Day numbers as DayOfTheWeek has them: 0 Sunday … 6 Saturday, 7 any day, 8 weekday, 9 weekend day. */
type Day = number;
type Index = "First" | "Second" | "Third" | "Fourth" | "Last";

/** A pattern as plain data, comparable with JSON.stringify (keys in a fixed order). */
export type EwsPattern = (
  | { kind: "Daily"; interval: number }
  | { kind: "Weekly"; interval: number; days: Day[]; firstDay: Day }
  | { kind: "AbsoluteMonthly"; interval: number; dayOfMonth: number }
  | { kind: "RelativeMonthly"; interval: number; day: Day; index: Index }
  | { kind: "AbsoluteYearly"; month: number; dayOfMonth: number }
  | { kind: "RelativeYearly"; month: number; day: Day; index: Index }
) & { startDate: string; count: number | null; endDate: string | null };

export class NotExpressibleError extends Error {}

/** Outlook's limit on the occurrences of one series. */
const MAX_COUNT = 999;
const ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const GROUPS: Record<number, string[]> = { 7: ICAL_DAYS, 8: ["MO", "TU", "WE", "TH", "FR"], 9: ["SU", "SA"] };
const INDEXES: Index[] = ["First", "Second", "Third", "Fourth", "Last"];
/** rrule's weekday order. */
const RRULE_DAYS: string[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const UNSUPPORTED = ["byhour", "byminute", "bysecond", "byyearday", "byweekno", "byeaster", "bynweekday"] as const;

/** The wall-clock start of a series in its zone (all-day: the date at midnight), as a floating Date. */
function wallStart(series: Series): Date {
  return series.allDay ? new Date(`${series.start}T00:00:00.000Z`) : floatingFromInstant(new Date(series.start), series.timeZone ?? "UTC");
}

const dateOf = (floating: Date) => floating.toISOString().slice(0, 10);
/** rrule's weekday numbers (0 Monday … 6 Sunday) as DayOfTheWeek numbers. */
const fromRruleDay = (weekday: number) => (weekday + 1) % 7;
const indexOf = (n: number): Index => {
  const index = n === -1 ? "Last" : INDEXES[n - 1];
  if (!index || n === 0 || n > 4) throw new NotExpressibleError("Exchange repeats on the first to fourth or the last weekday of a month only.");
  return index;
};

/** The EWS pattern a series' rule is written as; throws NotExpressibleError when there is none. */
export function patternOf(series: Series): EwsPattern {
  if (!series.rrule) throw new NotExpressibleError("The event does not repeat.");
  if (series.rdates.length > 0) throw new NotExpressibleError("Exchange cannot add extra dates (RDATE) to a series.");
  let options: ReturnType<typeof RRule.parseString>;
  try {
    options = RRule.parseString(series.rrule.replace(/^RRULE:/i, ""));
  } catch {
    throw new NotExpressibleError("The repeat rule is not valid.");
  }
  for (const key of UNSUPPORTED) {
    const value = options[key];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) throw new NotExpressibleError(`Exchange cannot repeat by ${key.slice(2).toUpperCase()}.`);
  }
  const start = wallStart(series);
  const interval = options.interval ?? 1;
  const list = <T>(value: T | T[] | null | undefined): T[] => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]);
  const weekdays = list(options.byweekday).map((day) =>
    typeof day === "number" ? { weekday: day, n: undefined } : typeof day === "string" ? { weekday: RRULE_DAYS.indexOf(day), n: undefined } : { weekday: day.weekday, n: day.n ?? undefined },
  );
  const monthDays = list(options.bymonthday);
  const months = list(options.bymonth);
  const setPos = list(options.bysetpos);
  const month = months[0] ?? start.getUTCMonth() + 1;
  if (months.length > 1) throw new NotExpressibleError("Exchange repeats in one month of the year only.");
  if (setPos.length > 1) throw new NotExpressibleError("Exchange cannot combine several BYSETPOS positions.");

  /** One weekday with its position (2TU, or TU with BYSETPOS=2, or Outlook's day groups with BYSETPOS). */
  const relative = (): { day: Day; index: Index } | null => {
    if (weekdays.length === 0) return null;
    if (weekdays.length === 1 && setPos.length === 0 && weekdays[0]?.n !== undefined) return { day: fromRruleDay(weekdays[0].weekday), index: indexOf(weekdays[0].n) };
    if (setPos.length === 1 && weekdays.every((day) => day.n === undefined)) {
      const names = weekdays.map((day) => ICAL_DAYS[fromRruleDay(day.weekday)]).sort();
      const group = names.length === 1 ? fromRruleDay(weekdays[0]?.weekday ?? 0) : Number(Object.entries(GROUPS).find(([, days]) => [...days].sort().join() === names.join())?.[0] ?? NaN);
      if (!Number.isNaN(group)) return { day: group, index: indexOf(setPos[0] ?? 0) };
    }
    throw new NotExpressibleError("Exchange cannot express this combination of weekdays and positions (BYDAY/BYSETPOS).");
  };

  /** Monthly and yearly rules name either a weekday by position (relative) or one day of the month (absolute). */
  const dayInMonth = (oneDayOnly: string): { day: Day; index: Index } | { dayOfMonth: number } => {
    const rel = relative();
    if (rel) {
      if (monthDays.length) throw new NotExpressibleError("Exchange cannot combine days of the month and weekdays.");
      return rel;
    }
    if (monthDays.length > 1 || (monthDays[0] ?? 1) < 1 || setPos.length) throw new NotExpressibleError(oneDayOnly);
    return { dayOfMonth: monthDays[0] ?? start.getUTCDate() };
  };

  let pattern: EwsPattern;
  const base = { startDate: dateOf(start), count: null, endDate: null };
  switch (options.freq) {
    case RRule.DAILY:
      if (weekdays.length || monthDays.length || months.length || setPos.length) throw new NotExpressibleError("Exchange repeats daily on every day only.");
      pattern = { kind: "Daily", interval, ...base };
      break;
    case RRule.WEEKLY: {
      if (monthDays.length || months.length || setPos.length || weekdays.some((day) => day.n !== undefined)) throw new NotExpressibleError("Exchange repeats weekly on plain weekdays only.");
      const days = weekdays.length ? [...new Set(weekdays.map((day) => fromRruleDay(day.weekday)))].sort() : [start.getUTCDay()];
      const wkst = options.wkst === undefined || options.wkst === null ? 0 : typeof options.wkst === "number" ? options.wkst : options.wkst.weekday;
      pattern = { kind: "Weekly", interval, days, firstDay: fromRruleDay(wkst), ...base };
      break;
    }
    case RRule.MONTHLY: {
      if (months.length) throw new NotExpressibleError("Exchange cannot limit a monthly rule to some months.");
      const day = dayInMonth("Exchange repeats monthly on one day of the month only (no negative days).");
      pattern = "dayOfMonth" in day ? { kind: "AbsoluteMonthly", interval, ...day, ...base } : { kind: "RelativeMonthly", interval, ...day, ...base };
      break;
    }
    case RRule.YEARLY: {
      if (interval !== 1) throw new NotExpressibleError("Exchange repeats yearly every year only.");
      const day = dayInMonth("Exchange repeats yearly on one day of the month only.");
      pattern = "dayOfMonth" in day ? { kind: "AbsoluteYearly", month, ...day, ...base } : { kind: "RelativeYearly", month, ...day, ...base };
      break;
    }
    default:
      throw new NotExpressibleError("Exchange repeats daily, weekly, monthly or yearly only (not hourly or by the minute).");
  }
  if (options.count !== undefined && options.count !== null) {
    if (options.count < 1 || options.count > MAX_COUNT) throw new NotExpressibleError(`Exchange holds 1 to ${MAX_COUNT} occurrences of a series.`);
    return { ...pattern, count: options.count };
  }
  if (options.until) {
    // Every occurrence has the series' time of day: the last one is on UNTIL's date, or the day
    // before when UNTIL falls earlier in the day than the series starts.
    const until = series.allDay ? options.until : floatingFromInstant(options.until, series.timeZone ?? "UTC");
    const sameDay = dateOf(until);
    const timeOfDay = (value: Date) => value.getTime() - new Date(`${dateOf(value)}T00:00:00.000Z`).getTime();
    const endDate = series.allDay || timeOfDay(until) >= timeOfDay(start) ? sameDay : dateOf(new Date(until.getTime() - 86_400_000));
    if (endDate < pattern.startDate) throw new NotExpressibleError("The repeat rule ends before the event starts.");
    return { ...pattern, endDate };
  }
  return pattern;
}

const byDay = (day: Day, index?: Index) => {
  const position = index === undefined ? "" : index === "Last" ? "-1" : String(INDEXES.indexOf(index) + 1);
  const group = GROUPS[day];
  return group ? `BYDAY=${group.join(",")}${index ? `;BYSETPOS=${position}` : ""}` : `BYDAY=${position}${ICAL_DAYS[day]}`;
};

/** The rule a pattern reads as (the form this app writes when it has to spell one out). */
export function ruleOf(pattern: EwsPattern, series: Pick<EventContent, "allDay" | "start" | "timeZone">): string {
  const every = "interval" in pattern && pattern.interval !== 1 ? `;INTERVAL=${pattern.interval}` : "";
  const parts = {
    Daily: () => `FREQ=DAILY${every}`,
    Weekly: (p: Extract<EwsPattern, { kind: "Weekly" }>) => `FREQ=WEEKLY${every};BYDAY=${[...p.days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7)).map((day) => ICAL_DAYS[day]).join(",")}${p.firstDay !== 1 ? `;WKST=${ICAL_DAYS[p.firstDay]}` : ""}`,
    AbsoluteMonthly: (p: Extract<EwsPattern, { kind: "AbsoluteMonthly" }>) => `FREQ=MONTHLY${every};BYMONTHDAY=${p.dayOfMonth}`,
    RelativeMonthly: (p: Extract<EwsPattern, { kind: "RelativeMonthly" }>) => `FREQ=MONTHLY${every};${byDay(p.day, p.index)}`,
    AbsoluteYearly: (p: Extract<EwsPattern, { kind: "AbsoluteYearly" }>) => `FREQ=YEARLY;BYMONTH=${p.month};BYMONTHDAY=${p.dayOfMonth}`,
    RelativeYearly: (p: Extract<EwsPattern, { kind: "RelativeYearly" }>) => `FREQ=YEARLY;BYMONTH=${p.month};${byDay(p.day, p.index)}`,
  };
  const rule = (parts[pattern.kind] as (p: EwsPattern) => string)(pattern);
  if (pattern.count !== null) return `${rule};COUNT=${pattern.count}`;
  if (pattern.endDate === null) return rule;
  if (series.allDay) return `${rule};UNTIL=${pattern.endDate.replace(/-/g, "")}`;
  const time = wallStart({ ...series, rrule: null, rdates: [] });
  const [year, month, day] = pattern.endDate.split("-").map(Number) as [number, number, number];
  const last = instantFromFloating(new Date(Date.UTC(year, month - 1, day, time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds())), series.timeZone ?? "UTC");
  return `${rule};UNTIL=${last.getUTCFullYear()}${pad(last.getUTCMonth() + 1)}${pad(last.getUTCDate())}T${pad(last.getUTCHours())}${pad(last.getUTCMinutes())}${pad(last.getUTCSeconds())}Z`;
}

// A UTC DateTime: the library formats dates in the process's zone otherwise, and could shift them a day.
const libraryDate = (date: string) => new DateTime(Date.parse(`${date}T00:00:00.000Z`), DateTimeKind.Utc);

/** The library's Recurrence object for a pattern. */
export function toLibraryRecurrence(pattern: EwsPattern, options: { firstDayOfWeek: boolean }): Recurrence {
  const start = libraryDate(pattern.startDate);
  const index = (value: Index) => DayOfTheWeekIndex[value];
  // The typings declare only the argument-less constructors: fields are set one by one.
  let recurrence: Recurrence;
  if (pattern.kind === "Daily") {
    const daily = new Recurrence.DailyPattern();
    daily.Interval = pattern.interval;
    recurrence = daily;
  } else if (pattern.kind === "Weekly") {
    const weekly = new Recurrence.WeeklyPattern();
    weekly.Interval = pattern.interval;
    weekly.DaysOfTheWeek.AddRange(pattern.days as DayOfTheWeek[]);
    // Exchange before 2010 SP1 has no FirstDayOfWeek (the library refuses to send it): such a
    // server keeps its mailbox's own first day, which only matters for rules repeating every few weeks.
    if (options.firstDayOfWeek) weekly.FirstDayOfWeek = pattern.firstDay as typeof weekly.FirstDayOfWeek;
    recurrence = weekly;
  } else if (pattern.kind === "AbsoluteMonthly") {
    const monthly = new Recurrence.MonthlyPattern();
    monthly.Interval = pattern.interval;
    monthly.DayOfMonth = pattern.dayOfMonth;
    recurrence = monthly;
  } else if (pattern.kind === "RelativeMonthly") {
    const monthly = new Recurrence.RelativeMonthlyPattern();
    monthly.Interval = pattern.interval;
    monthly.DayOfTheWeek = pattern.day as DayOfTheWeek;
    monthly.DayOfTheWeekIndex = index(pattern.index);
    recurrence = monthly;
  } else if (pattern.kind === "AbsoluteYearly") {
    const yearly = new Recurrence.YearlyPattern();
    yearly.Month = pattern.month as Month;
    yearly.DayOfMonth = pattern.dayOfMonth;
    recurrence = yearly;
  } else {
    const yearly = new Recurrence.RelativeYearlyPattern();
    yearly.Month = pattern.month as Month;
    yearly.DayOfTheWeek = pattern.day as DayOfTheWeek;
    yearly.DayOfTheWeekIndex = index(pattern.index);
    recurrence = yearly;
  }
  recurrence.StartDate = start;
  if (pattern.count !== null) recurrence.NumberOfOccurrences = pattern.count;
  else if (pattern.endDate !== null) recurrence.EndDate = libraryDate(pattern.endDate);
  else recurrence.NeverEnds();
  return recurrence;
}

/** A pattern read from Exchange, or null for kinds this app does not map (task regeneration patterns). */
export function fromLibraryRecurrence(recurrence: Recurrence): EwsPattern | null {
  // The library reads a range date as a local midnight of the first ten characters: its local calendar date is the one sent.
  const date = (value: DateTime) => value.MomentDate.format("YYYY-MM-DD");
  const range = { startDate: date(recurrence.StartDate), count: recurrence.NumberOfOccurrences ? Number(recurrence.NumberOfOccurrences) : null, endDate: recurrence.EndDate ? date(recurrence.EndDate) : null };
  const common = range.count !== null ? { ...range, endDate: null } : range;
  if (recurrence instanceof Recurrence.DailyPattern) return { kind: "Daily", interval: Number(recurrence.Interval), ...common };
  if (recurrence instanceof Recurrence.WeeklyPattern) {
    const days = recurrence.DaysOfTheWeek.GetEnumerator().map((day) => Number(day)).sort();
    // Absent before Exchange 2010 SP1, and then the library's getter throws: read what it holds, and
    // take Monday, iCalendar's default week start, so the rule reads back without a WKST.
    const held = (recurrence as unknown as { firstDayOfWeek?: number | null }).firstDayOfWeek;
    const firstDay = held === undefined || held === null ? 1 : Number(held);
    return { kind: "Weekly", interval: Number(recurrence.Interval), days, firstDay, ...common };
  }
  if (recurrence instanceof Recurrence.MonthlyPattern) return { kind: "AbsoluteMonthly", interval: Number(recurrence.Interval), dayOfMonth: Number(recurrence.DayOfMonth), ...common };
  if (recurrence instanceof Recurrence.RelativeMonthlyPattern)
    return { kind: "RelativeMonthly", interval: Number(recurrence.Interval), day: Number(recurrence.DayOfTheWeek), index: DayOfTheWeekIndex[recurrence.DayOfTheWeekIndex] as Index, ...common };
  if (recurrence instanceof Recurrence.YearlyPattern) return { kind: "AbsoluteYearly", month: Number(recurrence.Month), dayOfMonth: Number(recurrence.DayOfMonth), ...common };
  if (recurrence instanceof Recurrence.RelativeYearlyPattern)
    return { kind: "RelativeYearly", month: Number(recurrence.Month), day: Number(recurrence.DayOfTheWeek), index: DayOfTheWeekIndex[recurrence.DayOfTheWeekIndex] as Index, ...common };
  return null;
}
