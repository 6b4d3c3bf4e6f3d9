// Recurring series as Google exposes them: instance ids `<seriesId>_<stamp>` that can be read and
// written before any exception is stored.
import type { Calendar, GoogleEvent } from "./event-store";

/** An instance id of a live series that has no stored exception yet: writable, as at Google. */
export function virtualInstance(calendar: Calendar, id: string): GoogleEvent | null {
  const match = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  const series = match ? calendar.events.get(match[1] ?? "") : undefined;
  if (!match || !series || series.event.status === "cancelled" || !series.event.recurrence) return null;
  const stamp = match[2] ?? "";
  const allDay = stamp.length === 8;
  const originalStartTime = allDay
    ? { date: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}` }
    : { dateTime: `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}Z`, timeZone: series.event.start?.timeZone };
  const { recurrence: _recurrence, id: _id, etag: _etag, extendedProperties: _props, ...fields } = series.event;
  return { ...fields, id, etag: "", status: "confirmed", recurringEventId: series.event.id, originalStartTime, start: originalStartTime, end: originalStartTime } as GoogleEvent;
}
