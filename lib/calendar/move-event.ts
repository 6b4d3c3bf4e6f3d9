import type { EventContent } from "@/lib/calendar/event-content";
import { getEvent, saveOccurrence, updateEvent } from "@/lib/calendar/events";
import { instantToWall, wallToString } from "@/lib/calendar/time";
import { WEEKDAYS } from "@/lib/validations/event";
import { AppError } from "@/lib/errors";

/** A drag (or arrow keys) on the grid: the start and the end each move by whole minutes; moving both is a move, one a resize. */
export interface MoveEventInput {
  target: { eventId: string; seriesId: string | null; originalStart: string | null };
  /** For one occurrence of a series: that one, or the whole series. */
  scope: "this" | "all";
  startDeltaMinutes: number;
  endDeltaMinutes: number;
}

const gone = () => new AppError("not_found", "This event no longer exists. It may have been deleted on another device or by a sync.");
const shift = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * 60_000).toISOString();

function moved(content: EventContent, startDelta: number, endDelta: number): EventContent {
  if (content.allDay) throw new AppError("invalid_input", "All-day events change their dates in the event's dialog.");
  const start = shift(content.start, startDelta);
  const end = shift(content.end, endDelta);
  if (Date.parse(end) <= Date.parse(start)) throw new AppError("invalid_input", "An event has to end after it starts.");
  return { ...content, start, end };
}

/** Weekly days of a rule moved by `days` (a Monday meeting moved to Tuesday repeats on Tuesdays); ordinal days are left alone. */
export function shiftWeekdays(rrule: string, days: number): string {
  if (days % 7 === 0) return rrule;
  return rrule.replace(/BYDAY=([A-Z,]+)(?=;|$)/i, (_match, list: string) => {
    const shifted = list.split(",").map((day) => {
      const index = WEEKDAYS.indexOf(day.toUpperCase() as (typeof WEEKDAYS)[number]);
      return index === -1 ? day : WEEKDAYS[(((index + days) % 7) + 7) % 7];
    });
    return `BYDAY=${shifted.join(",")}`;
  });
}

const wallDate = (instant: string, zone: string) => wallToString(instantToWall(zone, new Date(instant))).date;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export async function moveEvent(ownerId: string, { target, scope, startDeltaMinutes, endDeltaMinutes }: MoveEventInput): Promise<void> {
  if (!target.seriesId || !target.originalStart) {
    const event = await getEvent(ownerId, target.eventId);
    if (!event || event.deletedAt) throw gone();
    await updateEvent(ownerId, event.id, moved(event.content, startDeltaMinutes, endDeltaMinutes), { expectedVersion: event.version });
    return;
  }
  const series = await getEvent(ownerId, target.seriesId);
  if (!series || series.deletedAt || !series.content.rrule) throw gone();
  const length = Date.parse(series.content.end) - Date.parse(series.content.start);
  const occurrence = { ...series.content, start: target.originalStart, end: new Date(Date.parse(target.originalStart) + length).toISOString() };
  if (scope === "this") {
    const exception = target.eventId === series.id ? null : await getEvent(ownerId, target.eventId);
    if (exception?.deletedAt) throw gone();
    const base = exception?.content ?? occurrence;
    await saveOccurrence(ownerId, series.id, target.originalStart, { ...moved(base, startDeltaMinutes, endDeltaMinutes), originalStart: target.originalStart }, "this");
    return;
  }
  const next = moved(occurrence, startDeltaMinutes, endDeltaMinutes);
  const zone = series.content.timeZone ?? "UTC";
  const days = daysBetween(wallDate(occurrence.start, zone), wallDate(next.start, zone));
  await saveOccurrence(ownerId, series.id, target.originalStart, { ...next, rrule: shiftWeekdays(series.content.rrule, days) }, "all");
}
