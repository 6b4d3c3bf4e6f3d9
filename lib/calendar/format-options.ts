import { LOCALE_CHOICES, WEEK_START_CHOICES, makeFormats, resolveFormats, weekStartOf, type FormatPreference } from "@/lib/calendar/formats";

/** The choices of Settings → Account, "Dates and times", each labelled with an example of what it gives. */

const names = new Intl.DisplayNames(["en"], { type: "language", languageDisplay: "standard" });
const englishDays = makeFormats({ locale: "en-GB", weekStartsOn: 1, timeZone: "UTC" }).weekdays();
const dayName = (day: number) => englishDays.find((entry) => entry.code === ["SU", "MO", "TU", "WE", "TH", "FR", "SA"][day])?.long ?? "Monday";

/** "Wed, 9 Dec 2026, 13:30" in the locale: shows its date order and clock at a glance. */
export function formatExample(locale: string): string {
  const formats = makeFormats({ locale, weekStartsOn: 1, timeZone: "UTC" });
  return `${formats.listDate("2026-12-09")}, ${formats.clock(13 * 60 + 30)}`;
}

export function formatOptions(preference: FormatPreference, browser: string | null) {
  const fromBrowser = resolveFormats({ locale: null, weekStart: null }, browser, "UTC").locale;
  const chosen = resolveFormats({ ...preference, weekStart: null }, browser, "UTC").locale;
  return {
    locales: [
      { value: "", label: `From the browser: ${names.of(fromBrowser) ?? fromBrowser} — ${formatExample(fromBrowser)}` },
      ...LOCALE_CHOICES.map((locale) => ({ value: locale, label: `${names.of(locale) ?? locale} — ${formatExample(locale)}` })),
    ],
    weekStarts: [
      { value: "", label: `As the format has it: ${dayName(weekStartOf(chosen))}` },
      ...WEEK_START_CHOICES.map((day) => ({ value: String(day), label: dayName(day) })),
    ],
  };
}
