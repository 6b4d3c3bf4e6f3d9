import { RRule } from "@/lib/calendar/rrule";
import type { EventContent } from "@/lib/calendar/event-content";
import { dateToUtcMidnight, floatingFromInstant, instantFromFloating, utcMidnightToDate } from "@/lib/calendar/time";


const DAY = 86_400_000;
/** Zones are at most 14 hours from UTC: a floating window this much wider never misses an occurrence. */
const ZONE_SLACK = 2 * DAY;
/** A safety net against rules that would produce absurd numbers of occurrences in one view. */
const MAX_OCCURRENCES = 5000;

export type SeriesFields = Pick<EventContent, "allDay" | "start" | "end" | "timeZone" | "rrule" | "exdates" | "rdates">;

export interface Occurrence {
  /** The start the rule gives this occurrence (EventContent form) — how exceptions refer to it. */
  originalStart: string;
  start: string;
  end: string;
}

export class RecurrenceError extends Error {}

function toFloating(series: SeriesFields, value: string): Date {
  return series.allDay ? dateToUtcMidnight(value) : floatingFromInstant(new Date(value), series.timeZone ?? "UTC");
}

function fromFloating(series: SeriesFields, floating: Date): string {
  return series.allDay ? utcMidnightToDate(floating) : instantFromFloating(floating, series.timeZone ?? "UTC").toISOString();
}

/** Rules parsed, by what they are parsed from: a view parses the same series on every request. Bounded: cleared when full. */
const parsed = new Map<string, RRule>();
/** The same rules restarted at a period (see ruleFrom): the views of one week restart them at the same one. */
const moved = new Map<string, RRule>();
const PARSED_KEPT = 10_000;

const ruleKey = (series: SeriesFields) => `${series.allDay ? "d" : "t"}|${series.start}|${series.timeZone ?? ""}|${series.rrule ?? ""}`;

/** Parses an RRULE value; throws RecurrenceError with a message a person can act on. */
export function parseRule(series: SeriesFields): RRule {
  const key = ruleKey(series);
  const known = parsed.get(key);
  if (known) return known;
  const rule = parseRuleAnew(series);
  if (parsed.size >= PARSED_KEPT) parsed.clear();
  parsed.set(key, rule);
  return rule;
}

function parseRuleAnew(series: SeriesFields): RRule {
  if (!series.rrule) throw new RecurrenceError("This event does not repeat.");
  let options;
  try {
    options = RRule.parseString(series.rrule.replace(/^RRULE:/i, ""));
  } catch {
    throw new RecurrenceError("The repeat rule is not valid.");
  }
  if (options.freq === undefined || options.freq === null) throw new RecurrenceError("The repeat rule needs a frequency (daily, weekly, monthly or yearly).");
  if (options.count !== undefined && options.count !== null && options.count < 1) throw new RecurrenceError("Repeat at least once.");
  const dtstart = toFloating(series, series.start);
  // UNTIL is a UTC instant for timed series (RFC 5545): compare it on the same wall clock.
  const until = options.until ? (series.allDay ? options.until : floatingFromInstant(options.until, series.timeZone ?? "UTC")) : null;
  if (until && until < dtstart) throw new RecurrenceError("The repeat rule ends before the event starts.");
  // Without rrule's cache of results: a rule kept here would otherwise keep every window asked of it.
  return new RRule({ ...options, dtstart, until, tzid: null }, true);
}

function duration(series: SeriesFields): number {
  return series.allDay ? dateToUtcMidnight(series.end).getTime() - dateToUtcMidnight(series.start).getTime() : Date.parse(series.end) - Date.parse(series.start);
}

function overlaps(start: string, end: string, allDay: boolean, from: Date, to: Date): boolean {
  const s = allDay ? dateToUtcMidnight(start).getTime() : Date.parse(start);
  const e = allDay ? dateToUtcMidnight(end).getTime() : Date.parse(end);
  // A zero-length event still shows at its start.
  return s < to.getTime() && (e > from.getTime() || (e === s && s >= from.getTime()));
}

/** The periods a rule can move its start across without changing what it produces (see ruleFrom). */
const PERIODIC = new Set<number>([RRule.YEARLY, RRule.MONTHLY, RRule.WEEKLY, RRule.DAILY]);

const given = (values: number[] | null): number[] | undefined => (values && values.length > 0 ? values : undefined);

/** Monday 0 … Sunday 6, as rrule numbers weekdays. */
const weekdayOf = (floating: Date) => (floating.getUTCDay() + 6) % 7;

/**
 * The start of the rule's period (its year, month, week from WKST, or day) that holds `floating`,
 * and that period's number counted from a fixed origin (so two numbers differ by whole periods).
 */
function period(freq: number, wkst: number, floating: Date): { number: number; start: number } {
  const year = floating.getUTCFullYear();
  const month = floating.getUTCMonth();
  const day = Math.floor(floating.getTime() / DAY);
  switch (freq) {
    case RRule.YEARLY:
      return { number: year, start: Date.UTC(year, 0, 1) };
    case RRule.MONTHLY:
      return { number: year * 12 + month, start: Date.UTC(year, month, 1) };
    case RRule.WEEKLY: {
      const first = day - ((weekdayOf(floating) - wkst + 7) % 7);
      return { number: first / 7, start: first * DAY };
    }
    default:
      return { number: day, start: day * DAY };
  }
}

/**
 * The series' rule, started at the last period boundary (a whole number of INTERVALs after DTSTART)
 * at or before `floatingFrom`: it produces exactly the occurrences of the full rule from there on,
 * without walking every occurrence since the series began — a series started ten years ago costs
 * what one started last week does. rrule iterates period by period from DTSTART and takes from
 * DTSTART only the first period, the stepping and the defaults of unset BY* parts (weekday, day of
 * month, month, time of day); the defaults are made explicit here, so moving DTSTART by whole
 * periods changes nothing else. COUNT counts from the very first occurrence (and bounds the work
 * anyway), and sub-daily rules step from DTSTART's time: both keep the full walk.
 */
export function ruleFrom(series: SeriesFields, floatingFrom: Date): RRule {
  const rule = parseRule(series);
  const { options, origOptions } = rule;
  if (options.count !== null || !PERIODIC.has(options.freq) || floatingFrom <= options.dtstart) return rule;
  const interval = options.interval;
  const origin = period(options.freq, options.wkst, options.dtstart);
  const target = period(options.freq, options.wkst, floatingFrom);
  const periods = Math.floor((target.number - origin.number) / interval) * interval;
  if (periods <= 0) return rule;
  const start = options.freq === RRule.YEARLY ? Date.UTC(origin.number + periods, 0, 1) : options.freq === RRule.MONTHLY ? Date.UTC(Math.floor((origin.number + periods) / 12), (origin.number + periods) % 12, 1) : origin.start + periods * (options.freq === RRule.WEEKLY ? 7 : 1) * DAY;
  const derived = {
    bymonth: origOptions.bymonth ?? given(options.bymonth),
    bymonthday: origOptions.bymonthday ?? given(options.bymonthday),
    byweekday: origOptions.byweekday ?? given(options.byweekday),
    byhour: origOptions.byhour ?? given(options.byhour),
    byminute: origOptions.byminute ?? given(options.byminute),
    bysecond: origOptions.bysecond ?? given(options.bysecond),
  };
  const key = `${ruleKey(series)}|${start}`;
  const known = moved.get(key);
  if (known) return known;
  // rrule keeps DTSTART's milliseconds on every occurrence.
  const restarted = new RRule({ ...origOptions, ...derived, dtstart: new Date(start + (options.dtstart.getTime() % 1000)), tzid: null }, true);
  if (moved.size >= PARSED_KEPT) moved.clear();
  moved.set(key, restarted);
  return restarted;
}

/**
 * The occurrences of a series that overlap [from, to), exceptions not applied. For all-day series
 * `from`/`to` are compared with the dates at midnight UTC, i.e. as calendar dates.
 */
export function expandSeries(series: SeriesFields, from: Date, to: Date): Occurrence[] {
  const length = duration(series);
  const windowStart = new Date(toFloatingBound(series, from).getTime() - length - ZONE_SLACK);
  const rule = ruleFrom(series, windowStart);
  const windowEnd = new Date(toFloatingBound(series, to).getTime() + ZONE_SLACK);
  const excluded = new Set(series.exdates);
  const floating = [...rule.between(windowStart, windowEnd, true, (_date, index) => index < MAX_OCCURRENCES)];
  for (const extra of series.rdates) {
    const value = toFloating(series, extra);
    if (value >= windowStart && value <= windowEnd) floating.push(value);
  }
  const seen = new Set<string>();
  const occurrences: Occurrence[] = [];
  for (const value of floating.sort((a, b) => a.getTime() - b.getTime())) {
    const start = fromFloating(series, value);
    if (excluded.has(start) || seen.has(start)) continue;
    seen.add(start);
    const end = series.allDay ? utcMidnightToDate(new Date(dateToUtcMidnight(start).getTime() + length)) : new Date(Date.parse(start) + length).toISOString();
    if (overlaps(start, end, series.allDay, from, to)) occurrences.push({ originalStart: start, start, end });
  }
  return occurrences;
}

function toFloatingBound(series: SeriesFields, instant: Date): Date {
  return series.allDay ? instant : floatingFromInstant(instant, series.timeZone ?? "UTC");
}

/** Whether `start` (EventContent form) is an occurrence the rule produces. */
export function isOccurrence(series: SeriesFields, start: string): boolean {
  const at = series.allDay ? dateToUtcMidnight(start) : new Date(start);
  const day = series.allDay ? DAY : 1;
  return expandSeries(series, new Date(at.getTime() - day), new Date(at.getTime() + DAY)).some((occurrence) => occurrence.originalStart === start);
}

/** When the last occurrence ends (an upper bound), or null when the series never ends. */
export function seriesEndsAt(series: SeriesFields): Date | null {
  const rule = parseRule(series);
  if (!rule.options.count && !rule.options.until) return null;
  const last = rule.options.until ?? rule.all((_date, index) => index < (rule.options.count ?? 0)).at(-1) ?? rule.options.dtstart;
  const extras = series.rdates.map((value) => toFloating(series, value));
  const latest = [last, ...extras].reduce((a, b) => (a > b ? a : b));
  const end = series.allDay ? latest.getTime() + duration(series) : instantFromFloating(latest, series.timeZone ?? "UTC").getTime() + duration(series);
  return new Date(end + DAY);
}

/** An UNTIL that ends a series just before `start` (EventContent form), for "this and following". */
export function untilBefore(series: SeriesFields, start: string): string {
  if (series.allDay) return addDaysCompact(start, -1);
  const instant = new Date(Date.parse(start) - 1000);
  return `${instant.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
}

function addDaysCompact(date: string, days: number): string {
  return utcMidnightToDate(new Date(dateToUtcMidnight(date).getTime() + days * DAY)).replace(/-/g, "");
}

/** Replaces (or adds) UNTIL in a rule and drops COUNT — the two cannot be combined. */
export function withUntil(rrule: string, until: string): string {
  const parts = rrule
    .replace(/^RRULE:/i, "")
    .split(";")
    .filter((part) => part && !/^(UNTIL|COUNT)=/i.test(part));
  return [...parts, `UNTIL=${until}`].join(";");
}

/** How many occurrences of the series start before `start` — to carry a COUNT over a split. */
export function occurrencesBefore(series: SeriesFields, start: string): number {
  const rule = parseRule(series);
  const limit = toFloating(series, start);
  return rule.between(rule.options.dtstart, limit, true, (_date, index) => index < MAX_OCCURRENCES).filter((date) => date < limit).length;
}
