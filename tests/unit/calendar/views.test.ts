import { describe, expect, it } from "vitest";
import { parseView, shiftAnchor, viewDays } from "@/lib/calendar/views";

describe("calendar views", () => {
  it("reads only the views it knows from the URL", () => {
    expect(parseView("agenda")).toBe("agenda");
    expect(parseView("day")).toBe("day");
    expect(parseView("year")).toBeNull();
    expect(parseView(undefined)).toBeNull();
  });

  it("shows one day, the Monday-to-Sunday week, six weeks from the Monday before the 1st, or 30 days from the date", () => {
    expect(viewDays("day", "2026-12-09")).toEqual({ firstDay: "2026-12-09", days: 1 });
    expect(viewDays("week", "2026-12-09")).toEqual({ firstDay: "2026-12-07", days: 7 });
    expect(viewDays("month", "2026-12-09")).toEqual({ firstDay: "2026-11-30", days: 42 });
    expect(viewDays("agenda", "2026-12-09")).toEqual({ firstDay: "2026-12-09", days: 30 });
  });

  it("pages by a day, a week, a month (from any day, even the 31st) or the agenda's 30 days", () => {
    expect(shiftAnchor("day", "2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftAnchor("week", "2026-12-09", -1)).toBe("2026-12-02");
    expect(shiftAnchor("month", "2027-01-31", 1)).toBe("2027-02-01");
    expect(shiftAnchor("month", "2027-01-15", -1)).toBe("2026-12-01");
    expect(shiftAnchor("agenda", "2026-12-09", 1)).toBe("2027-01-08");
  });
});
