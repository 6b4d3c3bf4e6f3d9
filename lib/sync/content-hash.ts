import { createHash } from "node:crypto";
import type { EventContent } from "@/lib/calendar/event-content";

/**
 * Each field of an event as what it means, blind to representation: the order of attendees,
 * reminders and excluded dates carries no meaning on either side, so it must not make two equal
 * events differ — otherwise every re-ordering a server does would look like an edit and bounce
 * between calendars.
 */
function canonicalFields(content: EventContent): Record<keyof EventContent, unknown> {
  return {
    title: content.title,
    description: content.description,
    location: content.location,
    allDay: content.allDay,
    start: content.start,
    end: content.end,
    timeZone: content.timeZone,
    rrule: content.rrule,
    exdates: [...content.exdates].sort(),
    rdates: [...content.rdates].sort(),
    status: content.status,
    transparency: content.transparency,
    visibility: content.visibility,
    reminders: content.reminders === null ? null : [...content.reminders].sort((a, b) => a - b),
    attendees: [...content.attendees]
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
      .map((attendee) => [attendee.email, attendee.name, attendee.response, attendee.optional]),
    organizer: content.organizer === null ? null : [content.organizer.email, content.organizer.name],
    originalStart: content.originalStart,
  };
}

/** A digest of what an event says (see canonicalFields). */
export function contentHash(content: EventContent): string {
  return createHash("sha256").update(JSON.stringify(Object.values(canonicalFields(content)))).digest("base64url");
}

export type ContentField = keyof EventContent;

/**
 * The fields whose meaning differs between what a remote item holds (`previous`) and what is to be
 * written: what an update needs to send, so that whatever the app does not model on the fields it
 * leaves alone (an Outlook body's formatting, a Google colour) survives. Every field when
 * `previous` is not known.
 */
export function changedFields(previous: EventContent | null, next: EventContent): Set<ContentField> {
  const after = canonicalFields(next);
  const keys = Object.keys(after) as ContentField[];
  if (previous === null) return new Set(keys);
  const before = canonicalFields(previous);
  return new Set(keys.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key])));
}
