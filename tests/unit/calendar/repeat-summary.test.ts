import { describe, expect, it } from "vitest";
import { describeRepeat, weekdayOf } from "@/lib/calendar/repeat-summary";

const base = { repeat: "weekly" as const, interval: 1, weekdays: [] as ("MO" | "WE" | "FR" | "SU")[], ends: "never" as const, count: 10, untilDate: "", startDate: "2026-12-07" };

describe("the repeat summary", () => {
  it("says the issue's example in its words", () => {
    expect(describeRepeat({ ...base, interval: 2, weekdays: ["WE", "MO"], ends: "count" })).toBe("Every 2 weeks on Mon and Wed, 10 times");
  });

  it("lists days in week order, and says daily, monthly (on the start's day) and yearly", () => {
    expect(describeRepeat({ ...base, weekdays: ["SU", "FR", "MO"] })).toBe("Every week on Mon, Fri and Sun");
    expect(describeRepeat({ ...base, repeat: "daily", interval: 3 })).toBe("Every 3 days");
    expect(describeRepeat({ ...base, repeat: "monthly", startDate: "2026-12-15" })).toBe("Every month on day 15");
    expect(describeRepeat({ ...base, repeat: "yearly", startDate: "2026-12-15", ends: "until", untilDate: "2030-12-31" })).toBe("Every year on 15 December, until 31 December 2030");
    expect(describeRepeat({ ...base, repeat: "daily", ends: "count", count: 1 })).toBe("Every day, once");
  });

  it("says nothing for an event that does not repeat, or a rule the editor keeps as is", () => {
    expect(describeRepeat({ ...base, repeat: "none" })).toBeNull();
    expect(describeRepeat({ ...base, repeat: "custom" })).toBeNull();
  });

  it("knows the weekday of a date", () => {
    expect(weekdayOf("2026-12-07")).toBe("MO");
    expect(weekdayOf("2026-12-13")).toBe("SU");
  });
});
