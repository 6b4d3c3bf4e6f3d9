import { TZDate, tzOffset } from "@date-fns/tz";

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

const HOUR = 3_600_000;
/** Offsets (ms) per zone per UTC hour; null: the hour holds a change of offset. Bounded: cleared when full. */
const hourOffsets = new Map<string, Map<number, number | null>>();
const HOURS_KEPT = 200_000;

/**
 * The zone's offset throughout the UTC hour holding `ms`, or null when it changes within that hour
 * (or is no whole minute, as before standard time). Turning a wall time into an instant is most of
 * what expanding a series costs (Intl formats a date for every offset asked): a view asks for the
 * same few hours of each zone again and again.
 */
function steadyOffset(zone: string, ms: number): number | null {
  const hour = Math.floor(ms / HOUR);
  let offsets = hourOffsets.get(zone);
  if (!offsets) hourOffsets.set(zone, (offsets = new Map()));
  const known = offsets.get(hour);
  if (known !== undefined) return known;
  const first = tzOffset(zone, new Date(hour * HOUR));
  const last = tzOffset(zone, new Date(hour * HOUR + HOUR - 1));
  const offset = first === last && Number.isInteger(first) ? first * 60_000 : null;
  if (offsets.size >= HOURS_KEPT) offsets.clear();
  offsets.set(hour, offset);
  return offset;
}

export function floatingFromInstant(instant: Date, zone: string): Date {
  const offset = steadyOffset(zone, instant.getTime());
  if (offset !== null) return new Date(instant.getTime() + offset);
  const wall = instantToWall(zone, instant);
  return new Date(Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0));
}

/** How far from a wall time's instant the offset must hold for no other instant to show that wall time. */
const UNAMBIGUOUS = 3 * HOUR;

export function instantFromFloating(floating: Date, zone: string): Date {
  // The instant at the offset the zone has around then, when that offset holds for hours on either
  // side: then the wall time is neither skipped nor repeated by a change. Else, at a change (and
  // before 1970, when some zones moved across the date line), TZDate decides as it always did.
  const wall = floating.getTime();
  const guess = steadyOffset(zone, wall);
  if (guess !== null && wall > UNAMBIGUOUS) {
    const instant = wall - guess;
    if (steadyOffset(zone, instant) === guess && steadyOffset(zone, instant - UNAMBIGUOUS) === guess && steadyOffset(zone, instant + UNAMBIGUOUS) === guess) return new Date(instant);
  }
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
