import { TZDate } from "@date-fns/tz";

/**
 * Recurrence is computed on wall-clock times ("every Monday at 09:00 in Prague"), and only each
 * occurrence is turned into an instant — that is what keeps a weekly 09:00 at 09:00 across a DST
 * change. A "floating" Date here carries a wall-clock time in its UTC fields.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second?: number;
}

/** The instant a wall-clock time in `zone` denotes (a time skipped by DST moves forward, as calendars do). */
export function wallToInstant(zone: string, wall: WallTime): Date {
  const zoned = new TZDate(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0, zone);
  return new Date(zoned.getTime());
}

export function instantToWall(zone: string, instant: Date): WallTime {
  const zoned = new TZDate(instant.getTime(), zone);
  return {
    year: zoned.getFullYear(),
    month: zoned.getMonth() + 1,
    day: zoned.getDate(),
    hour: zoned.getHours(),
    minute: zoned.getMinutes(),
    second: zoned.getSeconds(),
  };
}

export function floatingFromInstant(instant: Date, zone: string): Date {
  const wall = instantToWall(zone, instant);
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0));
}

export function instantFromFloating(floating: Date, zone: string): Date {
  return wallToInstant(zone, {
    year: floating.getUTCFullYear(),
    month: floating.getUTCMonth() + 1,
    day: floating.getUTCDate(),
    hour: floating.getUTCHours(),
    minute: floating.getUTCMinutes(),
    second: floating.getUTCSeconds(),
  });
}

/** `YYYY-MM-DD` → midnight UTC: how all-day dates are stored and computed, so no zone ever shifts them. */
export function dateToUtcMidnight(date: string): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function utcMidnightToDate(value: Date): string {
  return value.toISOString().slice(0, 10);
}

export function addDaysToDate(date: string, days: number): string {
  return utcMidnightToDate(new Date(dateToUtcMidnight(date).getTime() + days * 86_400_000));
}

export function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

export function wallToString(wall: WallTime): { date: string; time: string } {
  return { date: `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`, time: `${pad(wall.hour)}:${pad(wall.minute)}` };
}
