import type { calendar_v3 } from "googleapis";
import type { EventContent } from "@/lib/calendar/event-content";
import { addDaysToDate, wallToInstant } from "@/lib/calendar/time";
import type { ContentField } from "@/lib/sync/content-hash";
import type { RemoteItem } from "@/lib/sync/provider";

/** Between Google Calendar events and EventContent; a round trip changes nothing. */

export const TAG = "atollonEventId";

type GoogleEvent = calendar_v3.Schema$Event;
type GoogleTime = calendar_v3.Schema$EventDateTime;

function compactUtc(instant: string): string {
  return `${instant.replace(/[-:]/g, "").slice(0, 15)}Z`;
}

function timeOf(value: string, allDay: boolean, timeZone: string | null): GoogleTime {
  return allDay ? { date: value } : { dateTime: value, timeZone: timeZone ?? "UTC" };
}

function dateList(name: "EXDATE" | "RDATE", values: string[], allDay: boolean): string[] {
  if (values.length === 0) return [];
  return allDay ? [`${name};VALUE=DATE:${values.map((d) => d.replace(/-/g, "")).join(",")}`] : [`${name}:${values.map(compactUtc).join(",")}`];
}

/**
 * The fields of `toGoogleEvent` that follow from each changed field of EventContent, for a PATCH:
 * Google keeps every other field as it is (a colour, conference data, attachments, a description
 * written in Google's editor). Times are sent together, as are the rule and its dates.
 */
export function toGooglePatch(content: EventContent, changed: Set<ContentField>, localId: string): GoogleEvent {
  const full = toGoogleEvent(content, localId);
  const any = (...fields: ContentField[]) => fields.some((field) => changed.has(field));
  const times = any("allDay", "start", "end", "timeZone");
  return {
    ...(changed.has("title") ? { summary: full.summary } : {}),
    ...(changed.has("description") ? { description: full.description } : {}),
    ...(changed.has("location") ? { location: full.location } : {}),
    ...(times ? { start: full.start, end: full.end } : {}),
    ...((times || any("rrule", "exdates", "rdates")) && (content.rrule !== null || changed.has("rrule")) ? { recurrence: full.recurrence ?? [] } : {}),
    ...(changed.has("status") ? { status: full.status } : {}),
    ...(changed.has("transparency") ? { transparency: full.transparency } : {}),
    ...(changed.has("visibility") ? { visibility: full.visibility } : {}),
    ...(changed.has("reminders") ? { reminders: full.reminders } : {}),
    ...(changed.has("attendees") ? { attendees: full.attendees } : {}),
    ...(changed.has("organizer") && full.organizer ? { organizer: full.organizer } : {}),
  };
}

export function toGoogleEvent(content: EventContent, localId: string): GoogleEvent {
  return {
    summary: content.title,
    description: content.description,
    location: content.location,
    start: timeOf(content.start, content.allDay, content.timeZone),
    end: timeOf(content.end, content.allDay, content.timeZone),
    ...(content.rrule ? { recurrence: [`RRULE:${content.rrule}`, ...dateList("EXDATE", content.exdates, content.allDay), ...dateList("RDATE", content.rdates, content.allDay)] } : {}),
    ...(content.originalStart ? { originalStartTime: timeOf(content.originalStart, content.allDay, content.timeZone) } : {}),
    status: content.status,
    transparency: content.transparency,
    visibility: content.visibility,
    reminders: content.reminders === null ? { useDefault: true } : { useDefault: false, overrides: content.reminders.map((minutes) => ({ method: "popup", minutes })) },
    // Copied as data: with sendUpdates=none on every write, nobody is ever invited or notified.
    attendees: content.attendees.map((a) => ({ email: a.email, ...(a.name ? { displayName: a.name } : {}), responseStatus: a.response, optional: a.optional })),
    ...(content.organizer ? { organizer: { email: content.organizer.email, ...(content.organizer.name ? { displayName: content.organizer.name } : {}) } } : {}),
    extendedProperties: { private: { [TAG]: localId } },
  };
}

function parseTime(time: GoogleTime | undefined): { value: string; allDay: boolean; timeZone: string | null } | null {
  if (!time) return null;
  if (time.date) return { value: time.date, allDay: true, timeZone: null };
  if (time.dateTime) return { value: new Date(time.dateTime).toISOString(), allDay: false, timeZone: time.timeZone ?? null };
  return null;
}

/** EXDATE/RDATE lines in any of the forms RFC 5545 allows (UTC, TZID, VALUE=DATE, comma lists). */
function parseDates(lines: string[], name: "EXDATE" | "RDATE", allDay: boolean): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const [head = "", values = ""] = line.split(/:(.*)/s);
    if (head.split(";")[0]?.toUpperCase() !== name) continue;
    const zone = /TZID=([^;]+)/i.exec(head)?.[1] ?? null;
    for (const raw of values.split(",")) {
      const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(raw.trim());
      if (!m) continue;
      const [, y, mo, d, h, mi, s, utc] = m;
      if (allDay || h === undefined) out.push(`${y}-${mo}-${d}`);
      else if (utc || !zone) out.push(new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`).toISOString());
      else out.push(wallToInstant(zone, { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s) }).toISOString());
    }
  }
  return out;
}

const RESPONSES = new Set(["needsAction", "accepted", "declined", "tentative"]);
const VISIBILITY = new Set(["default", "public", "private", "confidential"]);

export function fromGoogleEvent(event: GoogleEvent): RemoteItem {
  const base = {
    remoteId: event.id ?? "",
    versionToken: event.etag ?? "",
    localTag: event.extendedProperties?.private?.[TAG] ?? null,
    seriesRemoteId: event.recurringEventId ?? null,
    updatedAt: event.updated ?? null,
  };
  // A cancelled item is a deletion, except a cancelled occurrence of a series, which hides it.
  if (event.status === "cancelled" && !event.recurringEventId) return { ...base, content: null };
  const original = parseTime(event.originalStartTime);
  const start = parseTime(event.start) ?? original;
  if (!start) return { ...base, content: null };
  const end = parseTime(event.end) ?? { ...start, value: start.allDay ? addDaysToDate(start.value, 1) : start.value };
  const timeZone = start.allDay ? null : (start.timeZone ?? original?.timeZone ?? "UTC");
  const recurrence = event.recurrence ?? [];
  const rrule = recurrence.find((line) => line.toUpperCase().startsWith("RRULE:"))?.slice(6) ?? null;
  const reminders = event.reminders;
  return {
    ...base,
    content: {
      title: event.summary ?? "",
      description: event.description ?? "",
      location: event.location ?? "",
      allDay: start.allDay,
      start: start.value,
      end: end.value,
      timeZone,
      rrule,
      exdates: parseDates(recurrence, "EXDATE", start.allDay),
      rdates: parseDates(recurrence, "RDATE", start.allDay),
      status: event.status === "tentative" || event.status === "cancelled" ? event.status : "confirmed",
      transparency: event.transparency === "transparent" ? "transparent" : "opaque",
      visibility: VISIBILITY.has(event.visibility ?? "") ? (event.visibility as EventContent["visibility"]) : "default",
      reminders: !reminders || reminders.useDefault !== false ? null : (reminders.overrides ?? []).map((o) => o.minutes ?? 0),
      attendees: (event.attendees ?? [])
        .filter((a) => a.email)
        .map((a) => ({
          email: (a.email ?? "").toLowerCase(),
          name: a.displayName ?? null,
          response: RESPONSES.has(a.responseStatus ?? "") ? (a.responseStatus as EventContent["attendees"][number]["response"]) : "needsAction",
          optional: a.optional ?? false,
        })),
      organizer: event.organizer?.email ? { email: event.organizer.email.toLowerCase(), name: event.organizer.displayName ?? null } : null,
      originalStart: original ? original.value : null,
    },
  };
}

/** Google's id for an occurrence of a series: `<seriesId>_<start in UTC>` (or `_<date>` all-day). */
export function instanceId(seriesRemoteId: string, originalStart: string, allDay: boolean): string {
  return `${seriesRemoteId}_${allDay ? originalStart.replace(/-/g, "") : compactUtc(originalStart)}`;
}
