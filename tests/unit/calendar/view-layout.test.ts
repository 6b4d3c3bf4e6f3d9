import { describe, expect, it } from "vitest";
import type { CalendarItem } from "@/lib/calendar/events";
import { startOfWeek } from "@/lib/calendar/formats";
import { coversDate, layoutDay, monthGridStart, rangeOf } from "@/lib/calendar/view-layout";

const item = (title: string, start: string, end: string, allDay = false): CalendarItem => ({
  eventId: title,
  seriesId: null,
  originalStart: null,
  recurring: false,
  title,
  location: "",
  allDay,
  start,
  end,
  timeZone: allDay ? null : "Europe/Prague",
  status: "confirmed",
  transparency: "opaque",
});

describe("view layout", () => {
  it("places overlapping events side by side and lone ones full width", () => {
    const blocks = layoutDay(
      [
        item("A", "2026-12-07T08:00:00.000Z", "2026-12-07T09:00:00.000Z"),
        item("B", "2026-12-07T08:30:00.000Z", "2026-12-07T09:30:00.000Z"),
        item("C", "2026-12-07T09:00:00.000Z", "2026-12-07T10:00:00.000Z"),
        item("D", "2026-12-07T13:00:00.000Z", "2026-12-07T14:00:00.000Z"),
      ],
      "2026-12-07",
      "Europe/Prague",
    );
    expect(blocks.map((b) => [b.item.title, b.top, b.column, b.columns])).toEqual([
      ["A", 540, 0, 2],
      ["B", 570, 1, 2],
      ["C", 600, 0, 2],
      ["D", 840, 0, 1],
    ]);
  });

  it("splits an event across midnight over the two days it touches", () => {
    const night = item("Night", "2026-12-07T21:00:00.000Z", "2026-12-08T03:00:00.000Z");
    const [monday] = layoutDay([night], "2026-12-07", "Europe/Prague");
    const [tuesday] = layoutDay([night], "2026-12-08", "Europe/Prague");
    expect(monday).toMatchObject({ top: 22 * 60, bottom: 24 * 60, continuesAfter: true });
    expect(tuesday).toMatchObject({ top: 0, bottom: 4 * 60, continuesBefore: true });
  });

  it("treats all-day events as dates in every zone, end exclusive", () => {
    const holiday = item("Holiday", "2026-12-24", "2026-12-26", true);
    expect(["2026-12-23", "2026-12-24", "2026-12-25", "2026-12-26"].map((date) => coversDate(holiday, date, "Pacific/Auckland"))).toEqual([false, true, true, false]);
  });

  it("computes view ranges from local midnights, including the 23-hour DST day", () => {
    expect(startOfWeek("2026-03-29", 1)).toBe("2026-03-23");
    expect(monthGridStart("2026-11-25", 1)).toBe("2026-10-26");
    expect(monthGridStart("2026-11-25", 0)).toBe("2026-11-01");
    const { from, to } = rangeOf("2026-03-29", 1, "Europe/Prague");
    expect([from.toISOString(), to.toISOString()]).toEqual(["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
  });
});
