import { describe, expect, it } from "vitest";
import { makeFormats } from "@/lib/calendar/formats";
import { describeRepeat, weekdayOf } from "@/lib/calendar/repeat-summary";

const base = { repeat: "weekly" as const, interval: 1, weekdays: [] as ("MO" | "WE" | "FR" | "SU")[], ends: "never" as const, count: 10, untilDate: "", startDate: "2026-12-07" };

const british = makeFormats({ locale: "en-GB", weekStartsOn: 1, timeZone: "UTC" });

describe("the repeat summary", () => {
  it("says the issue's example in its words", () => {
    expect(describeRepeat({ ...base, interval: 2, weekdays: ["WE", "MO"], ends: "count" }, british)).toBe("Every 2 weeks on Mon and Wed, 10 times");
  });

  it("lists days in week order, and says daily, monthly (on the start's day) and yearly", () => {
    expect(describeRepeat({ ...base, weekdays: ["SU", "FR", "MO"] }, british)).toBe("Every week on Mon, Fri and Sun");
    expect(describeRepeat({ ...base, repeat: "daily", interval: 3 }, british)).toBe("Every 3 days");
    expect(describeRepeat({ ...base, repeat: "monthly", startDate: "2026-12-15" }, british)).toBe("Every month on day 15");
    expect(describeRepeat({ ...base, repeat: "yearly", startDate: "2026-12-15", ends: "until", untilDate: "2030-12-31" }, british)).toBe("Every year on 15 December, until 31 December 2030");
    expect(describeRepeat({ ...base, repeat: "daily", ends: "count", count: 1 }, british)).toBe("Every day, once");
  });

  it("lists days from the person's first day of the week, and writes names and dates as their locale does", () => {
    const american = makeFormats({ locale: "en-US", weekStartsOn: 0, timeZone: "UTC" });
    expect(describeRepeat({ ...base, weekdays: ["SU", "FR", "MO"] }, american)).toBe("Every week on Sun, Mon and Fri");
    expect(describeRepeat({ ...base, repeat: "yearly", startDate: "2026-12-15", ends: "until", untilDate: "2030-12-31" }, american)).toBe("Every year on December 15, until December 31, 2030");
    const czech = makeFormats({ locale: "cs-CZ", weekStartsOn: 1, timeZone: "UTC" });
    expect(describeRepeat({ ...base, weekdays: ["SU", "MO"] }, czech)).toBe("Every week on po and ne");
    expect(describeRepeat({ ...base, repeat: "daily", ends: "until", untilDate: "2030-12-31" }, czech)).toBe("Every day, until 31. prosince 2030");
  });

  it("says nothing for an event that does not repeat, or a rule the editor keeps as is", () => {
    expect(describeRepeat({ ...base, repeat: "none" }, british)).toBeNull();
    expect(describeRepeat({ ...base, repeat: "custom" }, british)).toBeNull();
  });

  it("knows the weekday of a date", () => {
    expect(weekdayOf("2026-12-07")).toBe("MO");
    expect(weekdayOf("2026-12-13")).toBe("SU");
  });
});
