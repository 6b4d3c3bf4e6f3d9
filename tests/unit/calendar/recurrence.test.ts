import { describe, expect, it } from "vitest";
import { RecurrenceError, expandSeries, isOccurrence, parseRule, ruleFrom, seriesEndsAt, type SeriesFields } from "@/lib/calendar/recurrence";
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

describe("expanding a series from the view's start", () => {
  // Rules of every shape ruleFrom moves: unset parts rrule takes from DTSTART (weekday, day of
  // month, month, time), intervals, WKST, nth weekdays, BYSETPOS, last days, UNTIL, all-day.
  const rules: SeriesFields[] = [
    timed("Europe/Prague", "2016-03-23T08:00:00.000Z", "2016-03-23T09:00:00.000Z", "FREQ=WEEKLY"),
    timed("Europe/Prague", "2016-03-23T08:00:00.000Z", "2016-03-23T09:00:00.000Z", "FREQ=WEEKLY;BYDAY=MO,WE"),
    timed("America/New_York", "2016-02-04T15:30:00.000Z", "2016-02-04T16:00:00.000Z", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH"),
    timed("America/New_York", "2016-02-04T15:30:00.000Z", "2016-02-04T16:00:00.000Z", "FREQ=WEEKLY;INTERVAL=3;WKST=SU;BYDAY=SU,TH"),
    timed("Europe/Prague", "2016-01-31T10:00:00.000Z", "2016-01-31T11:00:00.000Z", "FREQ=MONTHLY"),
    timed("Europe/Prague", "2016-05-10T10:00:00.000Z", "2016-05-10T11:00:00.000Z", "FREQ=MONTHLY;INTERVAL=5;BYDAY=2TU"),
    timed("Asia/Tokyo", "2016-05-10T01:00:00.000Z", "2016-05-10T02:00:00.000Z", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
    timed("UTC", "2016-02-29T12:00:00.000Z", "2016-02-29T13:00:00.000Z", "FREQ=YEARLY"),
    timed("Europe/Prague", "2016-03-01T07:00:00.000Z", "2016-03-01T08:00:00.000Z", "FREQ=YEARLY;INTERVAL=2;BYMONTH=3,9;BYDAY=-1SU"),
    timed("Europe/Prague", "2016-03-01T07:00:00.000Z", "2016-03-01T08:00:00.000Z", "FREQ=DAILY;INTERVAL=3;BYHOUR=8,17"),
    timed("Europe/Prague", "2016-03-01T07:00:00.000Z", "2016-03-01T08:00:00.000Z", "FREQ=DAILY;INTERVAL=7;UNTIL=20250101T000000Z"),
    allDay("2016-10-24", "2016-10-25", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"),
    allDay("2016-01-31", "2016-02-01", "FREQ=MONTHLY;BYMONTHDAY=-1,15"),
    allDay("2016-07-04", "2016-07-05", "FREQ=YEARLY"),
  ];
  const froms = ["2016-03-24T00:00:00Z", "2019-12-30T23:00:00Z", "2024-02-29T05:00:00Z", "2026-10-25T00:30:00Z", "2031-06-01T00:00:00Z"];

  it("produces exactly the occurrences of the full rule from any later point", () => {
    for (const series of rules) {
      const full = parseRule(series);
      for (const from of froms) {
        const at = new Date(from);
        const until = new Date(at.getTime() + 400 * 86_400_000);
        const moved = ruleFrom(series, at);
        expect(moved.between(at, until, true).map(String), `${series.rrule} from ${from}`).toEqual(full.between(at, until, true).map(String));
      }
    }
  });

  it("starts within one repeat of the view, however long ago the series began", () => {
    const weekly = rules[2] as SeriesFields;
    const at = new Date("2026-06-10T00:00:00Z");
    const start = ruleFrom(weekly, at).options.dtstart.getTime();
    expect(start).toBeLessThanOrEqual(at.getTime());
    expect(at.getTime() - start).toBeLessThan(2 * 7 * 86_400_000);
    const yearly = rules[8] as SeriesFields;
    expect(at.getTime() - ruleFrom(yearly, at).options.dtstart.getTime()).toBeLessThan(2 * 366 * 86_400_000);
  });

  it("shows a week of a series begun ten years ago exactly as of one begun last week", () => {
    const old = timed("Europe/Prague", "2016-06-06T07:00:00.000Z", "2016-06-06T08:00:00.000Z", "FREQ=WEEKLY;BYDAY=MO,WE", { exdates: ["2026-06-10T07:00:00.000Z"] });
    const recent = { ...old, start: "2026-06-01T07:00:00.000Z", end: "2026-06-01T08:00:00.000Z" };
    const week = ["2026-06-07T22:00:00Z", "2026-06-14T22:00:00Z"] as const;
    expect(starts(old, ...week)).toEqual(["2026-06-08T07:00:00.000Z"]);
    expect(starts(recent, ...week)).toEqual(starts(old, ...week));
    // Winter time: the same wall clock, an hour later in UTC.
    expect(starts(old, "2026-12-06T23:00:00Z", "2026-12-13T23:00:00Z")).toEqual(["2026-12-07T08:00:00.000Z", "2026-12-09T08:00:00.000Z"]);
  });

  it("keeps walking from the first occurrence when COUNT counts from there", () => {
    const series = timed("UTC", "2016-01-04T09:00:00.000Z", "2016-01-04T10:00:00.000Z", "FREQ=WEEKLY;COUNT=3");
    expect(ruleFrom(series, new Date("2026-01-01T00:00:00Z")).options.dtstart.toISOString()).toBe("2016-01-04T09:00:00.000Z");
    expect(starts(series, "2016-01-01T00:00:00Z", "2026-01-01T00:00:00Z")).toHaveLength(3);
  });
});
