import { describe, expect, it } from "vitest";
import { formatOptions } from "@/lib/calendar/format-options";
import { canonicalLocale, describeSpan, localeFromAcceptLanguage, makeFormats, resolveFormats, startOfWeek, weekStartOf, type WeekStart } from "@/lib/calendar/formats";

// ICU puts thin and narrow no-break spaces around dashes and before AM/PM; what is compared here is the words and their order.
const plain = (text: string | null) => text?.replace(/\s+/g, " ") ?? null;
const formatsOf = (locale: string, timeZone = "Europe/Prague") => makeFormats(resolveFormats({ locale, weekStart: null }, null, timeZone));

describe("formats from the person's locale", () => {
  it("starts the week on Sunday in en-US and on Monday in en-GB, cs-CZ and de-DE", () => {
    expect(["en-US", "en-GB", "cs-CZ", "de-DE"].map(weekStartOf)).toEqual([0, 1, 1, 1]);
    expect(weekStartOf("ar-EG")).toBe(6);
  });

  it("writes times on a 12-hour clock in en-US and a 24-hour one in en-GB, cs-CZ and de-DE", () => {
    const hours = ["en-US", "en-GB", "cs-CZ", "de-DE"].map((locale) => {
      const formats = formatsOf(locale);
      return [formats.hour12, plain(formats.hourLabel(13)), plain(formats.hourLabel(9)), plain(formats.clock(14 * 60 + 30)), plain(formats.clock(8 * 60 + 5))];
    });
    expect(hours).toEqual([
      [true, "1 PM", "9 AM", "2:30 PM", "8:05 AM"],
      [false, "13:00", "09:00", "14:30", "08:05"],
      [false, "13:00", "9:00", "14:30", "8:05"],
      [false, "13:00", "09:00", "14:30", "08:05"],
    ]);
  });

  it("writes an instant's time in the viewer's zone", () => {
    expect(plain(formatsOf("en-US").time("2026-12-09T12:15:00Z"))).toBe("1:15 PM");
    expect(formatsOf("cs-CZ").time("2026-12-09T12:15:00Z")).toBe("13:15");
    expect(plain(formatsOf("en-US", "America/New_York").time("2026-12-09T12:15:00Z"))).toBe("7:15 AM");
    expect(plain(formatsOf("en-GB").dateTime("2026-12-09T23:30:00Z"))).toBe("10 Dec 2026, 00:30");
    expect(plain(formatsOf("de-DE").instantDate("2026-12-09T23:30:00Z"))).toBe("10.12.2026");
  });

  it("writes dates in the locale's order and with its names", () => {
    const titles = ["en-US", "en-GB", "cs-CZ", "de-DE"].map((locale) => {
      const formats = formatsOf(locale);
      return [plain(formats.dayTitle("2026-12-09")), plain(formats.monthTitle("2026-12-09")), plain(formats.rangeTitle("2026-12-07", "2026-12-13")), formats.weekday("2026-12-09", "short")];
    });
    expect(titles).toEqual([
      ["Wednesday, December 9, 2026", "December 2026", "December 7 – 13, 2026", "Wed"],
      ["Wednesday, 9 December 2026", "December 2026", "7 – 13 December 2026", "Wed"],
      ["středa 9. prosince 2026", "prosinec 2026", "7.–13. 12. 2026", "st"],
      ["Mittwoch, 9. Dezember 2026", "Dezember 2026", "7.–13. Dezember 2026", "Mi"],
    ]);
    // A week across a month (and a year) names both ends.
    expect(plain(formatsOf("en-GB").rangeTitle("2026-12-28", "2027-01-03"))).toBe("28 December 2026 – 3 January 2027");
    expect(plain(formatsOf("en-US").listDate("2026-12-09"))).toBe("Wed, Dec 9, 2026");
  });

  it("lists the weekdays from the first day of the week", () => {
    const days = (locale: string, weekStart: number | null = null) => makeFormats(resolveFormats({ locale, weekStart }, null, "UTC")).weekdays();
    expect(days("en-US").map((day) => day.short)).toEqual(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]);
    expect(days("en-GB").map((day) => day.code)).toEqual(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);
    expect(days("cs-CZ").map((day) => day.short)).toEqual(["po", "út", "st", "čt", "pá", "so", "ne"]);
    expect(days("de-DE").map((day) => day.long)).toEqual(["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]);
    expect(days("cs-CZ", 0).map((day) => day.short)).toEqual(["ne", "po", "út", "st", "čt", "pá", "so"]);
    expect(days("en-US", 6)[0]).toEqual({ code: "SA", short: "Sat", long: "Saturday" });
  });

  it("finds the first day of a date's week for any first weekday", () => {
    // 2026-12-09 is a Wednesday.
    const starts = ([0, 1, 2, 3, 4, 5, 6] as WeekStart[]).map((day) => startOfWeek("2026-12-09", day));
    expect(starts).toEqual(["2026-12-06", "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-03", "2026-12-04", "2026-12-05"]);
    expect(startOfWeek("2027-01-02", 0)).toBe("2026-12-27");
  });
});

describe("whose formats", () => {
  it("reads the browser's language from Accept-Language by quality, skipping what cannot be used", () => {
    expect(localeFromAcceptLanguage("cs-CZ,cs;q=0.9,en;q=0.8")).toBe("cs-CZ");
    expect(localeFromAcceptLanguage("en;q=0.5, de-de;q=0.9")).toBe("de-DE");
    expect(localeFromAcceptLanguage("*, en-us;q=0.2")).toBe("en-US");
    expect(localeFromAcceptLanguage("not a tag!!, en-GB;q=0.1")).toBe("en-GB");
    expect(localeFromAcceptLanguage("de;q=0, fr")).toBe("fr");
    expect(localeFromAcceptLanguage("")).toBeNull();
    expect(localeFromAcceptLanguage(null)).toBeNull();
    expect(canonicalLocale("EN-us")).toBe("en-US");
    expect(canonicalLocale("x")).toBeNull();
  });

  it("takes the person's choice over the browser's, and the browser's over the fallback", () => {
    expect(resolveFormats({ locale: null, weekStart: null }, "en-US", "UTC")).toEqual({ locale: "en-US", weekStartsOn: 0, timeZone: "UTC" });
    expect(resolveFormats({ locale: "cs-CZ", weekStart: null }, "en-US", "UTC")).toEqual({ locale: "cs-CZ", weekStartsOn: 1, timeZone: "UTC" });
    expect(resolveFormats({ locale: null, weekStart: 1 }, "en-US", "UTC")).toEqual({ locale: "en-US", weekStartsOn: 1, timeZone: "UTC" });
    expect(resolveFormats({ locale: "de-DE", weekStart: 0 }, "en-US", "UTC")).toEqual({ locale: "de-DE", weekStartsOn: 0, timeZone: "UTC" });
    // No language known (a request without Accept-Language): the formats the calendar had before it followed locales.
    expect(resolveFormats({ locale: null, weekStart: null }, null, "UTC")).toEqual({ locale: "en-GB", weekStartsOn: 1, timeZone: "UTC" });
    // A stored value that is not a day of the week is ignored, not trusted.
    expect(resolveFormats({ locale: null, weekStart: 9 }, "en-US", "UTC").weekStartsOn).toBe(0);
  });

  it("labels the choices of Settings → Account with what each gives", () => {
    const options = formatOptions({ locale: null, weekStart: null }, "en-US");
    expect(plain(options.locales[0]?.label ?? "")).toBe("From the browser: English (United States) — Wed, Dec 9, 2026, 1:30 PM");
    expect(plain(options.locales.find((option) => option.value === "cs-CZ")?.label ?? "")).toBe("Czech (Czechia) — st 9. 12. 2026, 13:30");
    expect(options.weekStarts.map((option) => option.label)).toEqual(["As the format has it: Sunday", "Monday", "Sunday", "Saturday"]);
    expect(formatOptions({ locale: "de-DE", weekStart: null }, "en-US").weekStarts[0]?.label).toBe("As the format has it: Monday");
  });
});

describe("the event dialog's read-back of its span", () => {
  const fields = { allDay: false, startDate: "2026-12-09", startTime: "10:00", endDate: "2026-12-09", endTime: "11:30" };

  it("says the span in the person's formats", () => {
    expect(plain(describeSpan(formatsOf("en-US"), fields))).toBe("Wednesday, December 9, 2026, 10:00 AM – 11:30 AM");
    expect(plain(describeSpan(formatsOf("cs-CZ"), { ...fields, endDate: "2026-12-10", endTime: "13:00" }))).toBe("středa 9. prosince 2026, 10:00 – čtvrtek 10. prosince 2026, 13:00");
    expect(plain(describeSpan(formatsOf("en-GB"), { ...fields, allDay: true }))).toBe("Wednesday, 9 December 2026");
  });

  it("says nothing while a field is incomplete", () => {
    expect(describeSpan(formatsOf("en-GB"), { ...fields, startDate: "" })).toBeNull();
    expect(describeSpan(formatsOf("en-GB"), { ...fields, endTime: "" })).toBeNull();
  });
});

describe("text the server and the browser print alike", () => {
  it("uses plain spaces where ICU versions differ (thin spaces around range dashes, narrow ones before AM/PM)", () => {
    const american = formatsOf("en-US");
    const printed = [american.rangeTitle("2026-12-07", "2026-12-13"), american.clock(13 * 60), american.time("2026-12-09T12:00:00Z"), american.fullDateTime("2026-12-09T12:00:00Z")];
    expect(printed.filter((text) => /[\u2009\u202f]/.test(text))).toEqual([]);
    expect(printed[0]).toBe("December 7 – 13, 2026");
  });
});
