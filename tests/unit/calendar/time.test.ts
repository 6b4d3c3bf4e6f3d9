import { describe, expect, it } from "vitest";
import { floatingFromInstant, instantFromFloating, instantToWall, wallToInstant } from "@/lib/calendar/time";

// What TZDate answers, computed from scratch each time: the reference for the cached offsets.
const floatingByTzDate = (instant: Date, zone: string) => {
  const wall = instantToWall(zone, instant);
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0));
};
const instantByTzDate = (floating: Date, zone: string) =>
  wallToInstant(zone, {
    year: floating.getUTCFullYear(),
    month: floating.getUTCMonth() + 1,
    day: floating.getUTCDate(),
    hour: floating.getUTCHours(),
    minute: floating.getUTCMinutes(),
    second: floating.getUTCSeconds(),
  });

const STEP = 15 * 60_000;
const ZONES = ["Europe/Prague", "America/New_York", "America/Sao_Paulo", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Apia", "Africa/Casablanca", "UTC"];

function* every(from: string, to: string, step = STEP): Generator<Date> {
  for (let ms = Date.parse(from); ms < Date.parse(to); ms += step) yield new Date(ms);
}

describe("wall clock and instants", () => {
  it("turns instants into wall times as TZDate does, through every change of offset in a year", () => {
    for (const zone of ZONES) {
      for (const instant of every("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 7 * STEP)) {
        expect(floatingFromInstant(instant, zone).toISOString(), `${zone} ${instant.toISOString()}`).toBe(floatingByTzDate(instant, zone).toISOString());
      }
    }
  });

  it("turns wall times into instants as TZDate does: skipped times move forward, repeated ones as before", () => {
    for (const zone of ZONES) {
      for (const floating of every("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", 7 * STEP)) {
        expect(instantFromFloating(floating, zone).toISOString(), `${zone} ${floating.toISOString()}`).toBe(instantByTzDate(floating, zone).toISOString());
      }
    }
    // Around the changes themselves, every quarter of an hour; and Samoa's skipped day in 2011.
    const changes = [
      ["Europe/Prague", "2026-03-28T12:00:00Z", "2026-03-30T00:00:00Z"],
      ["Europe/Prague", "2026-10-24T12:00:00Z", "2026-10-26T00:00:00Z"],
      ["America/New_York", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z"],
      ["Australia/Lord_Howe", "2026-04-04T00:00:00Z", "2026-04-06T00:00:00Z"],
      ["Pacific/Apia", "2011-12-28T00:00:00Z", "2012-01-02T00:00:00Z"],
    ] as const;
    for (const [zone, from, to] of changes) {
      for (const floating of every(from, to)) {
        expect(instantFromFloating(floating, zone).toISOString(), `${zone} ${floating.toISOString()}`).toBe(instantByTzDate(floating, zone).toISOString());
        expect(floatingFromInstant(floating, zone).toISOString(), `${zone} ${floating.toISOString()}`).toBe(floatingByTzDate(floating, zone).toISOString());
      }
    }
  });

  it("keeps 09:00 in Prague at 08:00 UTC in winter and 07:00 UTC in summer", () => {
    expect(instantFromFloating(new Date("2026-01-12T09:00:00Z"), "Europe/Prague").toISOString()).toBe("2026-01-12T08:00:00.000Z");
    expect(instantFromFloating(new Date("2026-07-13T09:00:00Z"), "Europe/Prague").toISOString()).toBe("2026-07-13T07:00:00.000Z");
    expect(floatingFromInstant(new Date("2026-07-13T07:00:00Z"), "Europe/Prague").toISOString()).toBe("2026-07-13T09:00:00.000Z");
  });
});
