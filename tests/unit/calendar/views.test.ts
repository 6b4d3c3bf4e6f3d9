import { describe, expect, it } from "vitest";
import { parseView, shiftAnchor, viewDays } from "@/lib/calendar/views";

describe("calendar views", () => {
  it("reads only the views it knows from the URL", () => {
    expect(parseView("agenda")).toBe("agenda");
    expect(parseView("day")).toBe("day");
    expect(parseView("year")).toBeNull();
    expect(parseView(undefined)).toBeNull();
  });

  it("shows one day, the week from its first day, six weeks from the first day of the week of the 1st, or 30 days from the date", () => {
    expect(viewDays("day", "2026-12-09", 1)).toEqual({ firstDay: "2026-12-09", days: 1 });
    expect(viewDays("week", "2026-12-09", 1)).toEqual({ firstDay: "2026-12-07", days: 7 });
    expect(viewDays("month", "2026-12-09", 1)).toEqual({ firstDay: "2026-11-30", days: 42 });
    expect(viewDays("agenda", "2026-12-09", 1)).toEqual({ firstDay: "2026-12-09", days: 30 });
  });

  it("starts weeks and month grids on Sunday or Saturday when that is the first day of the week", () => {
    expect(viewDays("week", "2026-12-09", 0)).toEqual({ firstDay: "2026-12-06", days: 7 });
    expect(viewDays("week", "2026-12-06", 0)).toEqual({ firstDay: "2026-12-06", days: 7 });
    expect(viewDays("week", "2026-12-06", 1)).toEqual({ firstDay: "2026-11-30", days: 7 });
    expect(viewDays("week", "2026-12-09", 6)).toEqual({ firstDay: "2026-12-05", days: 7 });
    // December 2026 begins on a Tuesday.
    expect(viewDays("month", "2026-12-20", 0)).toEqual({ firstDay: "2026-11-29", days: 42 });
    expect(viewDays("month", "2026-12-20", 6)).toEqual({ firstDay: "2026-11-28", days: 42 });
  });

  it("pages by a day, a week, a month (from any day, even the 31st) or the agenda's 30 days", () => {
    expect(shiftAnchor("day", "2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftAnchor("week", "2026-12-09", -1)).toBe("2026-12-02");
    expect(shiftAnchor("month", "2027-01-31", 1)).toBe("2027-02-01");
    expect(shiftAnchor("month", "2027-01-15", -1)).toBe("2026-12-01");
    expect(shiftAnchor("agenda", "2026-12-09", 1)).toBe("2027-01-08");
  });
});
