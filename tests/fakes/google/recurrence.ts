// Recurring series as Google exposes them. A series is expanded by the app's own recurrence code
// (lib/calendar/recurrence.ts, on the rrule library), never by hand here: this module only turns a
// Google series into that code's SeriesFields and its occurrences into Google instances, whose ids
// are `<seriesId>_<UTC basic stamp>` (timed) or `<seriesId>_<yyyymmdd>` (all-day).
import { expandSeries, parseRule, type Occurrence, type SeriesFields } from "@/lib/calendar/recurrence";
import { wallToInstant } from "@/lib/calendar/time";
import type { Calendar, EventDateTime, GoogleEvent } from "./event-store";

const DAY = 86_400_000;

/** EXDATE/RDATE values in the forms RFC 5545 allows (UTC, TZID=, VALUE=DATE, comma lists), as SeriesFields wants them. */
function dateLines(lines: string[], name: "EXDATE" | "RDATE", allDay: boolean): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const [head = "", values = ""] = line.split(/:(.*)/s);
    if (head.split(";")[0]?.toUpperCase() !== name) continue;
    const zone = /TZID=([^;]+)/i.exec(head)?.[1] ?? "UTC";
    for (const raw of values.split(",")) {
      const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(raw.trim());
      if (!m) continue;
      const [, y, mo, d, h, mi, s, utc] = m;
      if (allDay || h === undefined) out.push(`${y}-${mo}-${d}`);
      else if (utc) out.push(new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`).toISOString());
      else out.push(wallToInstant(zone, { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) }).toISOString());
    }
  }
  return out;
}

/** The series in the form lib/calendar/recurrence expands, or null when the event does not repeat. */
export function seriesFieldsOf(series: GoogleEvent): SeriesFields | null {
  const rrule = series.recurrence?.find((line) => /^RRULE:/i.test(line))?.slice(6);
  if (!rrule || !series.start || !series.end) return null;
  const allDay = series.start.date !== undefined;
  return {
    allDay,
    start: allDay ? (series.start.date ?? "") : new Date(series.start.dateTime ?? "").toISOString(),
    end: allDay ? (series.end.date ?? "") : new Date(series.end.dateTime ?? "").toISOString(),
    // "For recurring events this field is required and specifies the time zone in which the
    // recurrence is expanded" (EventDateTime.timeZone); the fake's calendars are in UTC.
    timeZone: allDay ? null : (series.start.timeZone ?? "UTC"),
    rrule,
    exdates: dateLines(series.recurrence ?? [], "EXDATE", allDay),
    rdates: dateLines(series.recurrence ?? [], "RDATE", allDay),
  };
}

/** Why a recurrence would be refused (400), or null when it is valid or absent. */
export function recurrenceProblem(event: Partial<GoogleEvent>): string | null {
  if (!event.recurrence || event.recurrence.length === 0) return null;
  if (event.recurrence.some((line) => /^(DTSTART|DTEND)/i.test(line))) return "DTSTART and DTEND are not allowed in recurrence; use start and end.";
  if (event.start?.dateTime && !event.start.timeZone) return "Missing time zone definition for start time.";
  const fields = seriesFieldsOf({ ...event, id: "x", etag: "", status: "", updated: "" });
  if (!fields) return "Invalid recurrence rule.";
  try {
    parseRule(fields);
    return null;
  } catch {
    return "Invalid recurrence rule.";
  }
}

/** A start in SeriesFields form (date, or ISO instant) from Google's EventDateTime. */
export function startKey(time: EventDateTime | undefined): string | null {
  if (!time) return null;
  if (time.date) return time.date;
  return time.dateTime ? new Date(time.dateTime).toISOString() : null;
}

export function instanceIdOf(seriesId: string, originalStart: string, allDay: boolean): string {
  return `${seriesId}_${allDay ? originalStart.replace(/-/g, "") : `${originalStart.replace(/[-:]/g, "").slice(0, 15)}Z`}`;
}

function parseInstanceId(id: string): { seriesId: string; originalStart: string; allDay: boolean } | null {
  const match = /^(.+)_(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(id);
  if (!match) return null;
  const [, seriesId = "", y, mo, d, h, mi, s] = match;
  return h === undefined ? { seriesId, originalStart: `${y}-${mo}-${d}`, allDay: true } : { seriesId, originalStart: `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`, allDay: false };
}

/** One occurrence of a series as Google shows an instance that has no exception of its own. */
export function instanceOf(series: GoogleEvent, fields: SeriesFields, occurrence: Occurrence): GoogleEvent {
  // An instance is the series without its rule; the fake leaves the series' extended properties
  // off it (as it always has), so an exception written at an instance id starts untagged.
  const { recurrence: _recurrence, extendedProperties: _props, ...rest } = series;
  const time = (value: string): EventDateTime => (fields.allDay ? { date: value } : { dateTime: value, timeZone: fields.timeZone ?? "UTC" });
  return {
    ...rest,
    id: instanceIdOf(series.id, occurrence.originalStart, fields.allDay),
    recurringEventId: series.id,
    originalStartTime: time(occurrence.originalStart),
    start: time(occurrence.start),
    end: time(occurrence.end),
  };
}

/** The occurrences of a series overlapping [from, to). */
export function occurrencesOf(fields: SeriesFields, from: Date, to: Date): Occurrence[] {
  return expandSeries(fields, from, to);
}

/**
 * An instance id of a live series that has no stored exception yet, readable and writable as at
 * Google — but only when the rule really produces that occurrence: any other `<series>_<stamp>`
 * (a wrong time, an excluded date, past COUNT/UNTIL) is no event at all.
 */
export function virtualInstance(calendar: Calendar, id: string): GoogleEvent | null {
  const parsed = parseInstanceId(id);
  const series = parsed ? calendar.events.get(parsed.seriesId)?.event : undefined;
  if (!parsed || !series || series.status === "cancelled") return null;
  const fields = seriesFieldsOf(series);
  if (!fields || fields.allDay !== parsed.allDay) return null;
  const at = Date.parse(parsed.allDay ? `${parsed.originalStart}T00:00:00.000Z` : parsed.originalStart);
  const occurrence = occurrencesOf(fields, new Date(at - DAY), new Date(at + 2 * DAY)).find((o) => o.originalStart === parsed.originalStart);
  return occurrence ? instanceOf(series, fields, occurrence) : null;
}
