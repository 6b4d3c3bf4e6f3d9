import type { EventContent } from "@/lib/calendar/event-content";

/** A plain one-hour event; tests and the benchmark override what they are about. */
export function eventContent(overrides: Partial<EventContent> = {}): EventContent {
  return {
    title: "Event",
    description: "",
    location: "",
    allDay: false,
    start: "2026-12-01T09:00:00.000Z",
    end: "2026-12-01T10:00:00.000Z",
    timeZone: "Europe/Prague",
    rrule: null,
    exdates: [],
    rdates: [],
    status: "confirmed",
    transparency: "opaque",
    visibility: "default",
    reminders: null,
    attendees: [],
    organizer: null,
    originalStart: null,
    ...overrides,
  };
}
