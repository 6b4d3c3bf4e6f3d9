import { describe, expect, it } from "vitest";
import { RecurrenceError, expandSeries, isOccurrence, seriesEndsAt, type SeriesFields } from "@/lib/calendar/recurrence";
import { wallToInstant } from "@/lib/calendar/time";

const timed = (zone: string, start: string, end: string, rrule: string, extra: Partial<SeriesFields> = {}): SeriesFields => ({
  allDay: false,
  start,
  end,
  timeZone: zone,
  rrule,
  exdates: [],
  rdates: [],
  ...extra,
});
const allDay = (start: string, end: string, rrule: string, extra: Partial<SeriesFields> = {}): SeriesFields => ({
  allDay: true,
  start,
  end,
  timeZone: null,
  rrule,
  exdates: [],
  rdates: [],
  ...extra,
});
const starts = (series: SeriesFields, from: string, to: string) => expandSeries(series, new Date(from), new Date(to)).map((o) => o.start);

describe("recurrence expansion", () => {
  it("keeps a weekly meeting at 09:00 Prague time across the spring and autumn DST changes", () => {
    // Mon 23 Mar 2026 09:00 CET (UTC+1); DST starts Sun 29 Mar; ends Sun 25 Oct.
    const series = timed("Europe/Prague", "2026-03-23T08:00:00.000Z", "2026-03-23T09:00:00.000Z", "FREQ=WEEKLY;BYDAY=MO,WE");
    expect(starts(series, "2026-03-23T00:00:00Z", "2026-04-02T00:00:00Z")).toEqual([
      "2026-03-23T08:00:00.000Z",
      "2026-03-25T08:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
      "2026-04-01T07:00:00.000Z",
    ]);
    expect(starts(series, "2026-10-19T00:00:00Z", "2026-10-29T00:00:00Z")).toEqual([
      "2026-10-19T07:00:00.000Z",
      "2026-10-21T07:00:00.000Z",
      "2026-10-26T08:00:00.000Z",
      "2026-10-28T08:00:00.000Z",
    ]);
  });

  it("keeps a daily 08:30 New York event at 08:30 across the US DST change, and keeps its length", () => {
    // DST starts Sun 8 Mar 2026 in the US.
    const series = timed("America/New_York", "2026-03-06T13:30:00.000Z", "2026-03-06T14:15:00.000Z", "FREQ=DAILY;COUNT=4");
    const occurrences = expandSeries(series, new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"));
    expect(occurrences.map((o) => o.start)).toEqual(["2026-03-06T13:30:00.000Z", "2026-03-07T13:30:00.000Z", "2026-03-08T12:30:00.000Z", "2026-03-09T12:30:00.000Z"]);
    expect(occurrences.every((o) => Date.parse(o.end) - Date.parse(o.start) === 45 * 60_000)).toBe(true);
  });

  it("moves a 02:30 occurrence that DST skips to 03:30, as calendars do", () => {
    const series = timed("Europe/Prague", wallToInstant("Europe/Prague", { year: 2026, month: 3, day: 28, hour: 2, minute: 30 }).toISOString(), wallToInstant("Europe/Prague", { year: 2026, month: 3, day: 28, hour: 3, minute: 0 }).toISOString(), "FREQ=DAILY;COUNT=2");
    expect(starts(series, "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z")).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:30:00.000Z"]);
  });

  it("expands monthly by weekday (second Tuesday) and yearly rules", () => {
    const monthly = timed("Europe/Prague", "2026-01-13T09:00:00.000Z", "2026-01-13T10:00:00.000Z", "FREQ=MONTHLY;BYDAY=2TU;COUNT=4");
    expect(starts(monthly, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")).toEqual([
      "2026-01-13T09:00:00.000Z",
      "2026-02-10T09:00:00.000Z",
      "2026-03-10T09:00:00.000Z",
      "2026-04-14T08:00:00.000Z",
    ]);
    const birthday = allDay("2024-02-29", "2024-03-01", "FREQ=YEARLY");
    // RFC 5545: a 29 February that does not exist is skipped, not moved.
    expect(starts(birthday, "2024-01-01T00:00:00Z", "2029-01-01T00:00:00Z")).toEqual(["2024-02-29", "2028-02-29"]);
  });

  it("honours UNTIL (inclusive, as a UTC instant), EXDATE and RDATE", () => {
    const series = timed("Europe/Prague", "2026-06-01T07:00:00.000Z", "2026-06-01T08:00:00.000Z", "FREQ=DAILY;UNTIL=20260605T070000Z", {
      exdates: ["2026-06-03T07:00:00.000Z"],
      rdates: ["2026-06-10T12:00:00.000Z"],
    });
    expect(starts(series, "2026-05-01T00:00:00Z", "2026-07-01T00:00:00Z")).toEqual([
      "2026-06-01T07:00:00.000Z",
      "2026-06-02T07:00:00.000Z",
      "2026-06-04T07:00:00.000Z",
      "2026-06-05T07:00:00.000Z",
      "2026-06-10T12:00:00.000Z",
    ]);
    expect(seriesEndsAt(series)?.getTime()).toBeGreaterThanOrEqual(Date.parse("2026-06-10T13:00:00.000Z"));
    expect(seriesEndsAt({ ...series, rrule: "FREQ=DAILY" })).toBeNull();
  });

  it("keeps all-day events on their dates across DST and month ends", () => {
    const series = allDay("2026-10-24", "2026-10-26", "FREQ=WEEKLY;COUNT=3");
    const occurrences = expandSeries(series, new Date("2026-10-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"));
    expect(occurrences).toEqual([
      { originalStart: "2026-10-24", start: "2026-10-24", end: "2026-10-26" },
      { originalStart: "2026-10-31", start: "2026-10-31", end: "2026-11-02" },
      { originalStart: "2026-11-07", start: "2026-11-07", end: "2026-11-09" },
    ]);
    const monthEnd = allDay("2026-01-31", "2026-02-01", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3");
    expect(starts(monthEnd, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual(["2026-01-31", "2026-02-28", "2026-03-31"]);
  });

  it("finds an event that spans midnight from the day it ends on", () => {
    const series = timed("Europe/Prague", "2026-05-01T20:00:00.000Z", "2026-05-02T02:00:00.000Z", "FREQ=WEEKLY;COUNT=2");
    // The view of Sat 2 May (Prague) starts at 22:00Z on 1 May: the Friday night shift overlaps it.
    expect(starts(series, "2026-05-01T22:00:00Z", "2026-05-02T22:00:00Z")).toEqual(["2026-05-01T20:00:00.000Z"]);
  });

  it("tells occurrences from other times, and rejects rules it cannot read", () => {
    const series = timed("Europe/Prague", "2026-03-23T08:00:00.000Z", "2026-03-23T09:00:00.000Z", "FREQ=WEEKLY;BYDAY=MO");
    expect(isOccurrence(series, "2026-03-30T07:00:00.000Z")).toBe(true);
    expect(isOccurrence(series, "2026-03-30T08:00:00.000Z")).toBe(false);
    expect(() => expandSeries({ ...series, rrule: "FREQ=SOMETIMES" }, new Date(), new Date())).toThrow(RecurrenceError);
    expect(() => expandSeries({ ...series, rrule: "FREQ=DAILY;UNTIL=20200101T000000Z" }, new Date(), new Date())).toThrow("ends before the event starts");
  });
});
