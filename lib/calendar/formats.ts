/**
 * Dates and times as the person's locale writes them: date order, 12- or 24-hour clock, weekday and
 * month names, and the day a week starts on. Pure and used by the server render and the browser
 * alike, so both print the same text from the same settings.
 */

/** A weekday as `Date.getUTCDay()` numbers it: Sunday 0 … Saturday 6. */
export type WeekStart = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The formats the calendar showed before it followed locales; used when nothing better is known. */
export const FALLBACK_LOCALE = "en-GB";

export interface FormatSettings {
  locale: string;
  weekStartsOn: WeekStart;
  /** The zone the viewer's calendar shows times in. */
  timeZone: string;
}

/** The person's stored choices; null means "from the browser". */
export interface FormatPreference {
  locale: string | null;
  weekStart: number | null;
}

/** A BCP 47 tag in canonical form if the platform can format dates in it, else null. */
export function canonicalLocale(tag: string | null | undefined): string | null {
  if (!tag) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    if (!canonical || Intl.DateTimeFormat.supportedLocalesOf([canonical]).length === 0) return null;
    return canonical;
  } catch {
    return null;
  }
}

/** The first language of an Accept-Language header (by quality, then order) the platform can format in. */
export function localeFromAcceptLanguage(header: string | null | undefined): string | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((entry, index) => {
      const [tag = "", ...params] = entry.trim().split(";");
      const q = params.map((param) => /^\s*q=([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.tag !== "*" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    const locale = canonicalLocale(entry.tag);
    if (locale) return locale;
  }
  return null;
}

interface WeekInfo {
  firstDay: number;
}
type LocaleWithWeekInfo = Intl.Locale & { getWeekInfo?: () => WeekInfo; weekInfo?: WeekInfo };

/** The day a week starts on where the locale is used (CLDR's data: Sunday in the US, Monday in most of Europe). */
export function weekStartOf(locale: string): WeekStart {
  const tagged = new Intl.Locale(locale) as LocaleWithWeekInfo;
  // Newer engines offer getWeekInfo(), older ones (Node 20) the weekInfo getter; CLDR numbers Monday 1 … Sunday 7.
  const info = typeof tagged.getWeekInfo === "function" ? tagged.getWeekInfo() : tagged.weekInfo;
  return info ? ((info.firstDay % 7) as WeekStart) : 1;
}

export function isWeekStart(value: number): value is WeekStart {
  return Number.isInteger(value) && value >= 0 && value <= 6;
}

/**
 * The formats a page is drawn with: the person's choice where they made one, else the browser's
 * language; the week starts on the chosen day, else where the resolved locale starts it.
 */
export function resolveFormats(preference: FormatPreference, browserLocale: string | null, timeZone: string): FormatSettings {
  const locale = canonicalLocale(preference.locale) ?? canonicalLocale(browserLocale) ?? FALLBACK_LOCALE;
  const weekStartsOn = preference.weekStart !== null && isWeekStart(preference.weekStart) ? preference.weekStart : weekStartOf(locale);
  return { locale, weekStartsOn, timeZone };
}

/** The first day of the week that contains `date` (`YYYY-MM-DD`), for a week starting on `weekStartsOn`. */
export function startOfWeek(date: string, weekStartsOn: WeekStart): string {
  const day = new Date(`${date}T12:00:00Z`);
  const back = (day.getUTCDay() - weekStartsOn + 7) % 7;
  day.setUTCDate(day.getUTCDate() - back);
  return day.toISOString().slice(0, 10);
}

/** Weekdays as RRULE names them, from Sunday as `getUTCDay()` counts. */
const DAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
export type WeekdayCode = (typeof DAY_CODES)[number];

export interface Formats extends FormatSettings {
  /** The locale writes times on a 12-hour clock (with AM/PM or its own day periods). */
  hour12: boolean;
  /** "Wednesday, 9 December 2026" — a day's own heading. */
  dayTitle(date: string): string;
  /** "December 2026". */
  monthTitle(date: string): string;
  /** "7–13 December 2026" — the days a week view shows. */
  rangeTitle(first: string, last: string): string;
  /** "Wed" / "Wednesday" (or "st" / "středa"). */
  weekday(date: string, width: "short" | "long"): string;
  /** "Wed, 9 Dec 2026" — a date in a list. */
  listDate(date: string): string;
  /** "9 December 2026". */
  longDate(date: string): string;
  /** "9 December" — a day of every year. */
  dayMonth(date: string): string;
  /** "9 Dec 2026" — a calendar date without a time. */
  date(date: string): string;
  /** The label of an hour line of the grid: "1 PM" or "13:00". */
  hourLabel(hour: number): string;
  /** A time of day given as minutes after midnight: "2:30 PM" or "14:30". */
  clock(minutes: number): string;
  /** An instant's time of day in the viewer's zone. */
  time(instant: string | Date): string;
  /** An instant's date and time in the viewer's zone: "9 Dec 2026, 14:30". */
  dateTime(instant: string | Date): string;
  /** An instant's date in the viewer's zone: "9 Dec 2026". */
  instantDate(instant: string | Date): string;
  /** The same, written out in full with the zone: for a hover title. */
  fullDateTime(instant: string | Date): string;
  /** The seven weekdays in the order the week runs, from its first day. */
  weekdays(): { code: WeekdayCode; short: string; long: string }[];
}

/** A day's noon in UTC: the printed date cannot slide to a neighbour whatever the formatting zone. */
const noon = (date: string) => new Date(`${date}T12:00:00Z`);
const instantOf = (value: string | Date) => (typeof value === "string" ? new Date(value) : value);
/** 2026-11-29 is a Sunday: the day of the week plus this is a date on that weekday. */
const SUNDAY = Date.UTC(2026, 10, 29, 12);

/**
 * ICU versions differ in the spaces they put around range dashes and before AM/PM (Node's puts thin
 * and narrow no-break spaces where Chromium's puts plain ones): printed the same on both sides, the
 * browser's hydration finds exactly the server's text.
 */
const tidy = (text: string) => text.replace(/[\u2009\u202f]/g, " ");

export function makeFormats(settings: FormatSettings): Formats {
  const { locale, timeZone } = settings;
  const cache = new Map<string, Intl.DateTimeFormat>();
  const formatter = (options: Intl.DateTimeFormatOptions) => {
    const key = JSON.stringify(options);
    let found = cache.get(key);
    if (!found) {
      found = new Intl.DateTimeFormat(locale, options);
      cache.set(key, found);
    }
    return found;
  };
  const format = (options: Intl.DateTimeFormatOptions, at: Date) => tidy(formatter(options).format(at));
  const onDate = (date: string, options: Intl.DateTimeFormatOptions) => format({ ...options, timeZone: "UTC" }, noon(date));
  const cycle = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle;
  const hour12 = cycle === "h11" || cycle === "h12";
  const atMinute = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, ((minutes % 1440) + 1440) % 1440));

  return {
    ...settings,
    hour12,
    dayTitle: (date) => onDate(date, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
    monthTitle: (date) => onDate(date, { month: "long", year: "numeric" }),
    rangeTitle: (first, last) => tidy(formatter({ day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).formatRange(noon(first), noon(last))),
    weekday: (date, width) => onDate(date, { weekday: width }),
    listDate: (date) => onDate(date, { weekday: "short", day: "numeric", month: "short", year: "numeric" }),
    longDate: (date) => onDate(date, { day: "numeric", month: "long", year: "numeric" }),
    dayMonth: (date) => onDate(date, { day: "numeric", month: "long" }),
    date: (date) => onDate(date, { dateStyle: "medium" }),
    // A 12-hour clock labels the hour alone ("1 PM"); a 24-hour one as a time ("13:00"), as calendars do.
    hourLabel: (hour) => format(hour12 ? { hour: "numeric", timeZone: "UTC" } : { timeStyle: "short", timeZone: "UTC" }, atMinute(hour * 60)),
    clock: (minutes) => format({ timeStyle: "short", timeZone: "UTC" }, atMinute(minutes)),
    time: (instant) => format({ timeStyle: "short", timeZone }, instantOf(instant)),
    dateTime: (instant) => format({ dateStyle: "medium", timeStyle: "short", timeZone }, instantOf(instant)),
    instantDate: (instant) => format({ dateStyle: "medium", timeZone }, instantOf(instant)),
    fullDateTime: (instant) => format({ dateStyle: "full", timeStyle: "long", timeZone }, instantOf(instant)),
    weekdays: () =>
      Array.from({ length: 7 }, (_, index) => {
        const day = (settings.weekStartsOn + index) % 7;
        const date = new Date(SUNDAY + day * 86_400_000).toISOString().slice(0, 10);
        return { code: DAY_CODES[day] as WeekdayCode, short: onDate(date, { weekday: "short" }), long: onDate(date, { weekday: "long" }) };
      }),
  };
}

/** The locales offered under Settings → Account; "from the browser" accepts any the platform knows. */
export const LOCALE_CHOICES = [
  "en-US",
  "en-GB",
  "en-CA",
  "en-AU",
  "en-IE",
  "en-IN",
  "cs-CZ",
  "sk-SK",
  "de-DE",
  "de-AT",
  "de-CH",
  "fr-FR",
  "fr-CA",
  "es-ES",
  "es-MX",
  "it-IT",
  "nl-NL",
  "pl-PL",
  "pt-BR",
  "pt-PT",
  "sv-SE",
  "da-DK",
  "nb-NO",
  "fi-FI",
  "hu-HU",
  "ja-JP",
  "zh-CN",
  "ko-KR",
] as const;

/** The first days of the week a person may choose (the ones CLDR uses across the world's locales). */
export const WEEK_START_CHOICES = [1, 0, 6] as const satisfies readonly WeekStart[];

/** Set by the browser to its own language, so the server draws the next page in the language the browser reports. */
export const BROWSER_LOCALE_COOKIE = "browser-locale";

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutesOf = (time: string) => {
  const match = TIME.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

/**
 * An event's span as the dialog reads it back under its date and time fields ("Wednesday,
 * 9 December 2026, 10:00 – 11:30"): the fields show numbers, this line names the weekday and the
 * month, so a day or a month typed wrong shows before saving. Null while a field is incomplete.
 */
export function describeSpan(
  formats: Formats,
  fields: { allDay: boolean; startDate: string; startTime: string; endDate: string; endTime: string },
): string | null {
  if (!DATE.test(fields.startDate) || !DATE.test(fields.endDate)) return null;
  const sameDay = fields.startDate === fields.endDate;
  if (fields.allDay) return sameDay ? formats.dayTitle(fields.startDate) : `${formats.dayTitle(fields.startDate)} – ${formats.dayTitle(fields.endDate)}`;
  const start = minutesOf(fields.startTime);
  const end = minutesOf(fields.endTime);
  if (start === null || end === null) return null;
  return sameDay
    ? `${formats.dayTitle(fields.startDate)}, ${formats.clock(start)} – ${formats.clock(end)}`
    : `${formats.dayTitle(fields.startDate)}, ${formats.clock(start)} – ${formats.dayTitle(fields.endDate)}, ${formats.clock(end)}`;
}
