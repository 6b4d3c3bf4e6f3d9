import { CalendarDate, toCalendar, createCalendar } from "@internationalized/date";
import { describe, expect, it } from "vitest";
import { dateTextOf, dateValueOf, timeTextOf, timeValueOf, weekdayKeyOf } from "@/lib/calendar/field-values";

describe("the form's strings and the fields' values", () => {
  it("reads an ISO date and writes it back unchanged", () => {
    const date = dateValueOf("2026-12-09");
    expect(date && [date.year, date.month, date.day]).toEqual([2026, 12, 9]);
    expect(dateTextOf(date)).toBe("2026-12-09");
    expect(dateTextOf(new CalendarDate(987, 1, 5))).toBe("0987-01-05");
  });

  it("treats an empty, malformed or impossible date as no date yet", () => {
    for (const text of ["", "2026-12-9", "09/12/2026", "2026-02-30", "2026-13-01"]) expect(dateValueOf(text)).toBeNull();
    expect(dateTextOf(null)).toBe("");
  });

  it("stores a day picked in a Buddhist or Persian calendar as its Gregorian date", () => {
    const gregorian = new CalendarDate(2026, 12, 9);
    expect(dateTextOf(toCalendar(gregorian, createCalendar("buddhist")))).toBe("2026-12-09");
    expect(dateTextOf(toCalendar(gregorian, createCalendar("persian")))).toBe("2026-12-09");
  });

  it("reads and writes times on a 24-hour clock", () => {
    const time = timeValueOf("13:05");
    expect(time && [time.hour, time.minute]).toEqual([13, 5]);
    expect(timeTextOf(time)).toBe("13:05");
    expect(timeTextOf({ hour: 0, minute: 0 })).toBe("00:00");
    for (const text of ["", "24:00", "9:00", "12:60"]) expect(timeValueOf(text)).toBeNull();
    expect(timeTextOf(null)).toBe("");
  });

  it("names the week's first day as the date picker wants it", () => {
    expect([0, 1, 6].map((day) => weekdayKeyOf(day as 0 | 1 | 6))).toEqual(["sun", "mon", "sat"]);
  });
});
