import { createHash } from "node:crypto";
import type { EventContent } from "@/lib/calendar/event-content";

/**
 * A digest of what an event says, blind to representation: the order of attendees, reminders and
 * excluded dates carries no meaning on either side, so it must not make two equal events differ —
 * otherwise every re-ordering a server does would look like an edit and bounce between calendars.
 */
export function contentHash(content: EventContent): string {
  const canonical = [
    content.title,
    content.description,
    content.location,
    content.allDay,
    content.start,
    content.end,
    content.timeZone,
    content.rrule,
    [...content.exdates].sort(),
    [...content.rdates].sort(),
    content.status,
    content.transparency,
    content.visibility,
    content.reminders === null ? null : [...content.reminders].sort((a, b) => a - b),
    [...content.attendees]
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0))
      .map((attendee) => [attendee.email, attendee.name, attendee.response, attendee.optional]),
    content.organizer === null ? null : [content.organizer.email, content.organizer.name],
    content.originalStart,
  ];
  return createHash("sha256").update(JSON.stringify(canonical)).digest("base64url");
}
